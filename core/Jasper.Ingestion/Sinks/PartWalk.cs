namespace Jasper.Ingestion.Sinks;

/// <summary>
/// Which parts make up a version when it is committed: from chunk 0, each part starting where the one before ended. A
/// run writes every part of a version before committing it, and a part written again replaces the one of its name,
/// so the walk follows the committing run's parts; parts an earlier run (stopped, or with another part size) cut
/// elsewhere start at chunks none of them ends at, and are passed over. Joining every part there was duplicated
/// their chunks.
/// </summary>
public static class PartWalk
{
    /// <summary>
    /// Walks the parts of <paramref name="document"/>'s version, which holds <paramref name="chunkCount"/> chunks:
    /// <paramref name="part"/> is given each first chunk on the walk, in order, and returns how many chunks that part
    /// holds, or null when there is none. Returns the first chunks walked.
    /// </summary>
    /// <exception cref="InvalidOperationException">A part is missing or holds no chunk, or the parts hold more chunks
    /// than the version: it cannot be committed.</exception>
    public static async Task<IReadOnlySet<int>> FollowAsync(DocumentDescriptor document, int chunkCount, Func<int, Task<int?>> part)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(part);
        var walked = new HashSet<int>();
        int next = 0;
        while (next < chunkCount)
        {
            int chunks = await part(next).ConfigureAwait(false) is int held and > 0
                ? held
                : throw new InvalidOperationException($"Version {document.Version} of {document.Source} has no part that starts at chunk {next} of its {chunkCount}: it cannot be committed.");
            walked.Add(next);
            next += chunks;
        }

        return next == chunkCount
            ? walked
            : throw new InvalidOperationException($"The parts of version {document.Version} of {document.Source} hold {next} chunks, not its {chunkCount}: it cannot be committed.");
    }
}

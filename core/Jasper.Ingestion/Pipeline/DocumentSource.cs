using Jasper.Ingestion.Extraction;
using Jasper.Ingestion.Policy;

namespace Jasper.Ingestion.Pipeline;

/// <summary>A document to ingest: where it is, how to read it (more than once), and how to embed it.</summary>
/// <param name="Source">Blob URI or full file path; the document id derives from it.</param>
/// <param name="Name">File or blob name, for its extension.</param>
/// <param name="Open">Opens the content from its start; called several times.</param>
/// <param name="Length">Size in bytes, when known.</param>
public sealed record DocumentSource(string Source, string? Name, Func<CancellationToken, Task<Stream>> Open, long? Length = null)
{
    /// <summary>Priority (picks the compression ratio).</summary>
    public IngestPriority Priority { get; init; } = IngestPriority.Normal;

    /// <summary>An explicit ratio for every chunk, overriding the policy.</summary>
    public double? CompressionRatio { get; init; }

    /// <summary>The stable document id.</summary>
    public string DocumentId => DocumentIds.FromSource(Source);

    /// <summary>A local file.</summary>
    /// <remarks>
    /// Nothing is read until the pipeline opens it, so a file that is gone by then, or cannot be opened, is that
    /// document's named failure (<c>unreadable</c>) and not the run's. What has no bytes is never opened: an empty file
    /// is <c>empty</c> either way, and opening a FIFO waits for a writer for ever while a device (a link to
    /// /dev/zero) never ends; both have no size.
    /// </remarks>
    public static DocumentSource FromFile(string path)
    {
        string full = Path.GetFullPath(path);
        return new DocumentSource(full, Path.GetFileName(full), _ => Task.FromResult<Stream>(OpenFile(full)), SizeOf(full));
    }

    private static FileStream OpenFile(string path)
    {
        long? size = SizeOf(path);
        if (size is null)
        {
            // .NET spells a name that is not UTF-8 with U+FFFD and then cannot find the file under the name it spelled.
            throw new DocumentException(DocumentErrorKind.Unreadable, Path.GetFileName(path).Contains('\uFFFD', StringComparison.Ordinal)
                ? "the file name is not valid UTF-8, which .NET cannot open; rename the file"
                : "the file is gone or cannot be read");
        }

        if (size == 0)
        {
            throw new DocumentException(DocumentErrorKind.Empty, "no bytes to read (an empty file, or not a regular file: a FIFO or a device, which is never opened)");
        }

        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DocumentException(DocumentErrorKind.Unreadable, ex.Message, ex);
        }
    }

    // The size of what the path names (a link's final target, not the link), or null when it is gone or unreadable.
    private static long? SizeOf(string path)
    {
        try
        {
            var info = new FileInfo(path);
            var target = info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo;
            return target is { Exists: true } ? target.Length : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

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
    public static DocumentSource FromFile(string path)
    {
        string full = Path.GetFullPath(path);
        return new DocumentSource(full, Path.GetFileName(full), _ => Task.FromResult<Stream>(File.OpenRead(full)), new FileInfo(full).Length);
    }
}

using Jasper.Core.Vectors;

namespace Jasper.Core.Sinks;

/// <summary>
/// Where vector records go. Writing is per document: records become visible as one version when the writer is
/// committed, which also removes the chunks of any earlier version (so a document that shrinks leaves nothing
/// stale); a writer disposed without a commit leaves the previous version as it was.
/// </summary>
public interface IVectorSink
{
    /// <summary>The version of the document the sink holds, when it can tell; null when it holds none or cannot say.</summary>
    Task<string?> GetCommittedVersionAsync(string documentId, CancellationToken cancellationToken = default);

    /// <summary>Starts writing a version of a document.</summary>
    Task<IVectorSinkWriter> OpenDocumentAsync(DocumentDescriptor document, CancellationToken cancellationToken = default);
}

/// <summary>Receives one version of one document's records.</summary>
public interface IVectorSinkWriter : IAsyncDisposable
{
    /// <summary>Writes a batch of records (in chunk order; batches follow each other).</summary>
    Task WriteAsync(IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken = default);

    /// <summary>Makes this version current and removes the records of other versions.</summary>
    Task CommitAsync(int chunkCount, CancellationToken cancellationToken = default);
}

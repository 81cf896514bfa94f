using Jasper.Ingestion.Vectors;

namespace Jasper.Ingestion.Sinks;

/// <summary>
/// Where vector records go. A document's records arrive as parts (runs of consecutive chunks, possibly from
/// different workers and more than once) of one version; they become visible together when the version is
/// committed, which also removes every record of other versions, so a document that shrinks leaves nothing stale.
/// Every operation is idempotent, so at-least-once delivery never duplicates anything.
/// </summary>
public interface IVectorSink
{
    /// <summary>The version of the document the sink holds, when it can tell; null when it holds none or cannot say.</summary>
    Task<string?> GetCommittedVersionAsync(string documentId, CancellationToken cancellationToken = default);

    /// <summary>Stores one part of a version; writing the same part again overwrites it.</summary>
    Task WritePartAsync(DocumentDescriptor document, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken = default);

    /// <summary>Makes the version current (its parts hold <paramref name="chunkCount"/> records) and removes other versions.</summary>
    Task CommitAsync(DocumentDescriptor document, int chunkCount, CancellationToken cancellationToken = default);

    /// <summary>Removes the parts of a version that will not be committed (never the committed version).</summary>
    Task AbandonAsync(DocumentDescriptor document, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes the document: the records of every version, committed or not, and whatever the sink keeps about it.
    /// Removing a document the sink does not hold does nothing.
    /// </summary>
    Task RemoveAsync(string documentId, CancellationToken cancellationToken = default);
}

namespace Jasper.Ingestion.Vectors;

/// <summary>
/// One chunk's embedding and where it came from: the record the sinks store, exactly as docs/architecture.md defines
/// it. <see cref="Id"/> is stable (document id + chunk index), so writing a record again overwrites it.
/// </summary>
public sealed record VectorRecord
{
    /// <summary>Stable id: <c>{document_id}-{chunk_index}</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Stable id of the document (from its source).</summary>
    public required string DocumentId { get; init; }

    /// <summary>Blob URI or file path of the document.</summary>
    public required string Source { get; init; }

    /// <summary>Position of the chunk in its document.</summary>
    public required int ChunkIndex { get; init; }

    /// <summary>Offset of the chunk's first character in the document's extracted text.</summary>
    public required long CharStart { get; init; }

    /// <summary>Offset just after its last character.</summary>
    public required long CharEnd { get; init; }

    /// <summary>The chunk's text.</summary>
    public required string Text { get; init; }

    /// <summary>Tokens the model read.</summary>
    public required int Tokens { get; init; }

    /// <summary>Positions after compression.</summary>
    public required int CompressedTokens { get; init; }

    /// <summary>The ratio applied.</summary>
    public required double CompressionRatio { get; init; }

    /// <summary><c>high</c>, <c>normal</c> or <c>low</c>.</summary>
    public required string Priority { get; init; }

    /// <summary>Model name.</summary>
    public required string Model { get; init; }

    /// <summary>Length of <see cref="Embedding"/>.</summary>
    public required int Dimensions { get; init; }

    /// <summary>The L2-normalised vector.</summary>
    public required float[] Embedding { get; init; }

    /// <summary>The record id of a document's chunk.</summary>
    public static string IdFor(string documentId, int chunkIndex) => $"{documentId}-{chunkIndex}";
}

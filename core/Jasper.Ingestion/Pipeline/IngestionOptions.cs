using Jasper.Ingestion.Chunking;
using Jasper.Ingestion.Extraction;
using Jasper.Ingestion.Policy;

namespace Jasper.Ingestion.Pipeline;

/// <summary>How documents are extracted, chunked, compressed and batched.</summary>
public sealed class IngestionOptions
{
    /// <summary>Extraction limits.</summary>
    public ExtractionOptions Extraction { get; set; } = new();

    /// <summary>Chunk sizes.</summary>
    public ChunkingOptions Chunking { get; set; } = new();

    /// <summary>The compression policy's ratios.</summary>
    public CompressionPolicyOptions Compression { get; set; } = new();

    /// <summary>Chunks read from the spool and encoded at a time (the encoder batches them further by tokens).</summary>
    public int EncodeGroupSize { get; set; } = 64;

    /// <summary>Where chunk sets wait between chunking and embedding; the system temp directory by default.</summary>
    public string? SpoolDirectory { get; set; }
}

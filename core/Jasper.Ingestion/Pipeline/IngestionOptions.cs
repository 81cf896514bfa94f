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

    /// <summary>
    /// Documents extracted and chunked ahead of the one being embedded, in parallel, while the encoder runs; and
    /// whether records are written beside the next inference. Null (the default): none when the encoder runs on the
    /// CPU, whose cores it already keeps busy, and one per core on a GPU, which would otherwise wait for the host.
    /// </summary>
    public int? DocumentsAhead { get; set; }

    /// <summary>
    /// Tokens of chunks, from consecutive documents, gathered for one call to the encoder, which cuts them into
    /// batches under its budget. Null (the default): one of the encoder's batches on the CPU, so that documents are
    /// committed and reported about as often as one at a time; four on a GPU, so that few batches are left part-full.
    /// </summary>
    public int? InferenceTokens { get; set; }

    /// <summary>Where chunk sets wait between chunking and embedding; the system temp directory by default.</summary>
    public string? SpoolDirectory { get; set; }
}

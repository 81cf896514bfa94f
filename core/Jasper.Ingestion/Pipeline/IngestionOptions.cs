using Jasper.Ingestion.Chunking;
using Jasper.Ingestion.Extraction;
using Jasper.Ingestion.Policy;

namespace Jasper.Ingestion.Pipeline;

/// <summary>How documents are extracted, chunked, compressed and batched.</summary>
public sealed class IngestionOptions
{
    /// <summary>
    /// The most documents planned ahead by default: one core plans 0.5 to 0.75 million tokens a second, so three keep
    /// up with the fastest rate measured on a GPU (1.4 million at ratio 0.1 on an H200), and each document being
    /// extracted holds its parser's memory (up to a few hundred MB for a large PDF or Word file).
    /// </summary>
    public const int MostDocumentsAhead = 8;

    /// <summary>Extraction limits.</summary>
    public ExtractionOptions Extraction { get; set; } = new();

    /// <summary>Chunk sizes.</summary>
    public ChunkingOptions Chunking { get; set; } = new();

    /// <summary>The compression policy's ratios.</summary>
    public CompressionPolicyOptions Compression { get; set; } = new();

    /// <summary>
    /// Documents extracted and chunked ahead of the one being embedded, in parallel, while the encoder runs; and
    /// whether records are written beside the next inference. Null (the default): none when the encoder runs on the
    /// CPU, whose cores it already keeps busy, and one per core on a GPU, which would otherwise wait for the host, up to
    /// <see cref="MostDocumentsAhead"/>.
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

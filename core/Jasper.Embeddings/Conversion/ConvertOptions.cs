using Jasper.Embeddings.Compression;

namespace Jasper.Embeddings.Conversion;

/// <summary>What <see cref="ModelConverter"/> converts and how.</summary>
public sealed record ConvertOptions
{
    /// <summary>Checkpoint directory in the published layout.</summary>
    public required string SourceDirectory { get; init; }

    /// <summary>Model directory to write (created; an existing model there is replaced).</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Precision of the converted weights.</summary>
    public ModelPrecision Precision { get; init; } = ModelPrecision.Fp32;

    /// <summary>How the graph computes attention; <see cref="GraphAttentions.DefaultFor"/> the precision when null.</summary>
    public GraphAttention? Attention { get; init; }

    /// <summary>Values per quantization block for int8/int4 (a power of two of at least 16); the precision's default when null.</summary>
    public int? BlockSize { get; init; }

    /// <summary>Model name for the manifest; defaults to the checkpoint directory's name.</summary>
    public string? Name { get; init; }

    /// <summary>How to describe the origin (a hub repository), defaulting to the source path.</summary>
    public string? Origin { get; init; }

    /// <summary>Hub revision, when pulled.</summary>
    public string? Revision { get; init; }

    /// <summary>Compression threshold and default ratio to record (the published constants by default).</summary>
    public CompressionSettings Compression { get; init; } = new();
}

using Jasper.Embeddings.Numerics;

namespace Jasper.Embeddings.Checkpoints;

/// <summary>What <see cref="RandomCheckpoint"/> writes.</summary>
public sealed record RandomCheckpointOptions
{
    /// <summary>Architecture of the checkpoint.</summary>
    public required ModelConfig Config { get; init; }

    /// <summary>Width of the output projection (<c>linear_1</c>); the published model has 2048.</summary>
    public required int OutputDimensions { get; init; }

    /// <summary>Directory holding the <c>tokenizer.json</c> and <c>tokenizer_config.json</c> to ship with it.</summary>
    public required string TokenizerDirectory { get; init; }

    /// <summary>The seed used when none is given (also the one of the committed reference outputs).</summary>
    public const ulong DefaultSeed = 20251118;

    /// <summary>Seed: the same seed and options always give the same bytes.</summary>
    public ulong Seed { get; init; } = DefaultSeed;

    /// <summary>Element type of the weights; the published checkpoint is bfloat16.</summary>
    public TensorDType DType { get; init; } = TensorDType.BFloat16;

    /// <summary>When set, weights are split into shards of at most this many bytes with an index file.</summary>
    public long? MaxShardBytes { get; init; }

    /// <summary>The tiny shape used by tests: real vocabulary, two layers, head_dim unequal to hidden/heads.</summary>
    public static ModelConfig TinyConfig { get; } = new()
    {
        HiddenSize = 64,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        NumKeyValueHeads = 2,
        HeadDim = 32,
        IntermediateSize = 128,
        VocabSize = 151669,
        RopeTheta = 1_000_000,
        RmsNormEps = 1e-6,
        MaxPositionEmbeddings = 32768,
        TorchDtype = "bfloat16",
    };

    /// <summary>The published Jasper-Token-Compression-600M shape.</summary>
    public static ModelConfig FullConfig { get; } = new()
    {
        HiddenSize = 1024,
        NumHiddenLayers = 28,
        NumAttentionHeads = 16,
        NumKeyValueHeads = 8,
        HeadDim = 128,
        IntermediateSize = 3072,
        VocabSize = 151669,
        RopeTheta = 1_000_000,
        RmsNormEps = 1e-6,
        MaxPositionEmbeddings = 32768,
        TorchDtype = "bfloat16",
    };

    /// <summary>Options for a named preset: <c>tiny</c> (tests) or <c>full</c> (the published 600M shape).</summary>
    public static RandomCheckpointOptions ForPreset(string preset, string tokenizerDirectory) => preset switch
    {
        "tiny" => new RandomCheckpointOptions { Config = TinyConfig, OutputDimensions = 128, TokenizerDirectory = tokenizerDirectory },
        "full" => new RandomCheckpointOptions { Config = FullConfig, OutputDimensions = 2048, TokenizerDirectory = tokenizerDirectory },
        _ => throw new ArgumentException($"Unknown preset '{preset}'; use 'tiny' or 'full'.", nameof(preset)),
    };
}

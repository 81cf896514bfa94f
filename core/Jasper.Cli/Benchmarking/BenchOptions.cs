using Jasper.Embeddings.Inference;

namespace Jasper.Cli.Benchmarking;

/// <summary>What <c>jasper bench</c> measures.</summary>
internal sealed record BenchOptions
{
    /// <summary>A checkpoint (converted per precision) or a converted model directory; null with <see cref="Random"/>.</summary>
    public string? Model { get; init; }

    /// <summary><c>full</c> or <c>tiny</c>: a deterministic random-weight checkpoint of that shape.</summary>
    public string? Random { get; init; }

    /// <summary>Tokenizer files for a random checkpoint.</summary>
    public string? Tokenizer { get; init; }

    /// <summary>Precisions (and attentions) to convert and measure (a model directory has just its own).</summary>
    public IReadOnlyList<BenchVariant> Variants { get; init; } = [.. DefaultVariants.Split(',').Select(BenchVariant.Parse)];

    /// <summary>What <c>--precision</c> measures by default.</summary>
    public const string DefaultVariants = "fp32,int8,int4,fp16";

    /// <summary>Text lengths in tokens.</summary>
    public IReadOnlyList<int> Tokens { get; init; } = [128, 512, 1024];

    /// <summary>Compression ratios; 1.0 is added when missing, since the speed-ups are measured against it.</summary>
    public IReadOnlyList<double> Ratios { get; init; } = [1.0, 0.5, 0.33, 0.2, 0.1];

    /// <summary>Execution provider of the encoder, the MatMul probe and the server (the CPU by default).</summary>
    public ExecutionProvider Device { get; init; } = ExecutionProvider.Cpu;

    /// <summary>The encoder's padded-token budget per inference; the device's default when null.</summary>
    public int? BatchTokens { get; init; }

    private static readonly TimeSpan MaxProbeTime = TimeSpan.FromSeconds(1.5);

    /// <summary>Texts per cell (one length, one ratio).</summary>
    public int Texts { get; init; } = 8;

    /// <summary>Least measuring time per cell; at least one full pass over the texts is always timed.</summary>
    public TimeSpan CellTime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Measuring time of the MatMul limit beside each cell: as long as a cell, at most 1.5 s (a few hundred products).</summary>
    public TimeSpan ProbeTime => CellTime < MaxProbeTime ? CellTime : MaxProbeTime;

    /// <summary>
    /// Run the PyTorch peer when python3 with torch is present: float32 beside our fp32 on the CPU, bf16 and fp16 with
    /// SDPA attention beside our fp16 on CUDA.
    /// </summary>
    public bool Peer { get; init; } = true;

    /// <summary>Python interpreter for the peer; the first of python3 and /usr/bin/python3 that has torch when null.</summary>
    public string? Python { get; init; }

    /// <summary>Measure start-up time per precision in a fresh process.</summary>
    public bool Startup { get; init; } = true;

    /// <summary>Concurrent clients for the serving comparison; 0 skips it.</summary>
    public int ServeClients { get; init; } = 32;

    /// <summary>Measuring time of each serving run.</summary>
    public TimeSpan ServeTime { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Where converted models and random checkpoints are kept between runs.</summary>
    public required string WorkDirectory { get; init; }

    /// <summary>JSON result file.</summary>
    public string? Json { get; init; }

    /// <summary>Ratio-vs-throughput plot (PNG).</summary>
    public string? Plot { get; init; }

    /// <summary>Markdown report file.</summary>
    public string? Markdown { get; init; }

    /// <summary>A README whose section between the bench markers is replaced by the report.</summary>
    public string? Readme { get; init; }
}

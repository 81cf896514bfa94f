using Jasper.Cli.Serving;

namespace Jasper.Cli.Benchmarking;

/// <summary>Everything one <c>jasper bench</c> run measured.</summary>
internal sealed record BenchResult
{
    public required MachineInfo Machine { get; init; }

    public required string Model { get; init; }

    public required int BatchTokens { get; init; }

    public required int TextsPerCell { get; init; }

    /// <summary>The execution provider the encoder ran on (every precision runs on the same).</summary>
    public string Provider => Precisions.FirstOrDefault()?.Provider ?? "cpu";

    public PeerInfo? Peer { get; init; }

    public string? PeerSkipped { get; init; }

    public List<PrecisionResult> Precisions { get; init; } = [];

    public ServeResult? Serve { get; set; }

    public List<TargetCheck> Targets { get; set; } = [];
}

/// <summary>The machine and software the figures come from.</summary>
internal sealed record MachineInfo(string Cpu, int Processors, string? CpuQuota, string Os, string Runtime, string OnnxRuntime, string Date);

/// <summary>The PyTorch peer's setup.</summary>
/// <param name="Python">The interpreter.</param>
/// <param name="Torch">torch's version.</param>
/// <param name="Threads">CPU threads torch uses.</param>
/// <param name="Blas">The BLAS torch loaded on the CPU, or the GPU and CUDA version.</param>
/// <param name="Device">cpu or cuda.</param>
internal sealed record PeerInfo(string Python, string Torch, int Threads, string Blas, string Device = "cpu");

/// <summary>The peer in one dtype on one cell.</summary>
/// <param name="Dtype">fp32 (CPU, eager attention), or bf16 / fp16 (CUDA, SDPA attention).</param>
/// <param name="TokensPerSecond">The peer's throughput.</param>
/// <param name="MillisecondsPerText">Its time per text.</param>
/// <param name="Cosine">The worst cosine between its vectors and ours.</param>
internal sealed record PeerCell(string Dtype, double TokensPerSecond, double MillisecondsPerText, double Cosine);

/// <summary>One precision's model, start-up, memory and cells.</summary>
internal sealed record PrecisionResult
{
    /// <summary>The variant's label: the precision, followed by the attention when it is not the precision's default.</summary>
    public required string Precision { get; init; }

    /// <summary>explicit or fused.</summary>
    public string Attention { get; init; } = "explicit";

    public required string ModelDirectory { get; init; }

    public required long WeightBytes { get; init; }

    public string Provider { get; set; } = "cpu";

    public StartupResult? Startup { get; set; }

    public long PeakBytes { get; set; }

    public double? WorstCosineToFp32 { get; set; }

    public double? MeanCosineToFp32 { get; set; }

    public List<CellResult> Cells { get; init; } = [];
}

/// <summary>Time from process start to the first embedding, measured in a fresh process.</summary>
/// <param name="ProcessSeconds">Wall time from starting the process to reading its embedding.</param>
/// <param name="SessionSeconds">Loading the model (tokenizer and ONNX Runtime session) inside that process.</param>
/// <param name="PeakBytes">The process's peak resident memory.</param>
internal sealed record StartupResult(double ProcessSeconds, double SessionSeconds, long PeakBytes);

/// <summary>One length and ratio at one precision, with the peer beside it.</summary>
internal sealed record CellResult
{
    public required int Tokens { get; init; }

    public required double Ratio { get; init; }

    public required int Positions { get; init; }

    public required double TokensPerSecond { get; init; }

    public required double MillisecondsPerText { get; init; }

    public required double Gflops { get; init; }

    public required double LimitGflops { get; init; }

    public double FractionOfLimit => Gflops / LimitGflops;

    public double? SpeedupOverRatio1 { get; set; }

    /// <summary>The peer beside this cell, one entry per dtype it ran in.</summary>
    public List<PeerCell> Peers { get; init; } = [];

    /// <summary>The fastest of the peer's dtypes: what "× peer" is taken against.</summary>
    public double? PeerTokensPerSecond => Peers.Count > 0 ? Peers.Max(p => p.TokensPerSecond) : null;

    public double? TimesPeer => PeerTokensPerSecond is double peer ? TokensPerSecond / peer : null;

    /// <summary>Ours over the peer in <paramref name="dtype"/>, when it ran.</summary>
    public double? TimesPeerIn(string dtype) => Peers.FirstOrDefault(p => p.Dtype == dtype) is { } peer ? TokensPerSecond / peer.TokensPerSecond : null;

    public double? WorstCosineToFp32 { get; set; }
}

/// <summary><c>jasper serve</c> under concurrent short queries, with dynamic batching on and off.</summary>
internal sealed record ServeResult(string Precision, int Clients, LoadSummary Batched, LoadSummary Unbatched)
{
    public double Speedup => Batched.RequestsPerSecond / Unbatched.RequestsPerSecond;
}

/// <summary>One of the targets, checked against this run's figures.</summary>
internal sealed record TargetCheck(string Target, string Measured, bool Met);

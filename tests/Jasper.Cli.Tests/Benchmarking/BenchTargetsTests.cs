using Jasper.Cli.Benchmarking;
using Jasper.Cli.Serving;

namespace Jasper.Cli.Tests.Benchmarking;

public sealed class BenchTargetsTests
{
    [Fact]
    public void On_a_gpu_fp16_is_held_to_the_faster_peer_and_the_dense_rate()
    {
        var fp16 = new PrecisionResult { Precision = "fp16", Attention = "fused", ModelDirectory = "m", WeightBytes = 1, Provider = "cuda" };
        fp16.Cells.Add(Cell(512, 1.0, ours: 300, peers: [("bf16", 200), ("fp16", 230)], gflops: 200, limit: 500));   // 1.30× the faster
        fp16.Cells.Add(Cell(512, 0.33, ours: 300, peers: [("bf16", 250), ("fp16", 260)], gflops: 200, limit: 500));  // 1.15×: not met
        fp16.Cells.Add(Cell(1024, 1.0, ours: 300, peers: [("bf16", 100), ("fp16", 120)], gflops: 170, limit: 500));  // 34% of the rate
        fp16.Cells.Add(Cell(1024, 0.33, ours: 300, peers: [("bf16", 100), ("fp16", 100)], gflops: 200, limit: 500));
        var result = new BenchResult { Machine = Machine, Model = "m", BatchTokens = 65536, TextsPerCell = 32, Precisions = [fp16] };

        var checks = BenchTargets.Evaluate(result).ToDictionary(c => c.Target, c => c.Met);

        Assert.True(checks["fp16, ratio 1.0, 512 tokens: ≥ 1.25× the PyTorch SDPA peer"]);
        Assert.False(checks["fp16, ratio 0.33, 512 tokens: ≥ 1.25× the PyTorch SDPA peer"]);
        Assert.True(checks["fp16, ratio 1.0, 1024 tokens: ≥ 1.25× the PyTorch SDPA peer"]);
        Assert.True(checks["fp16, ratio 0.33, 1024 tokens: ≥ 1.25× the PyTorch SDPA peer"]);
        Assert.False(checks["fp16, ratio 1.0, 1024 tokens: ≥ 35% of the measured fp16 dense rate"]);
        Assert.DoesNotContain(checks.Keys, k => k.Contains("MatMul limit", StringComparison.Ordinal)); // the CPU's fp32 target
    }

    [Fact]
    public void Dynamic_batching_is_not_met_by_a_run_that_refused_requests()
    {
        // Refusals (429) are answered at once: counted as served, they would make a refusing server look fast.
        var clean = new LoadSummary(400, 10, 40, 20, 40, 8, new Dictionary<int, int>());
        var refusing = new LoadSummary(4000, 10, 390, 20, 40, 8, new Dictionary<int, int> { [429] = 100 });
        var unbatched = new LoadSummary(100, 10, 10, 90, 180, 8, new Dictionary<int, int>());

        Assert.True(Serve(clean, unbatched));
        Assert.False(Serve(refusing, unbatched));
        Assert.False(Serve(clean, refusing));
    }

    private static bool Serve(LoadSummary batched, LoadSummary unbatched)
    {
        var result = new BenchResult { Machine = Machine, Model = "m", BatchTokens = 8192, TextsPerCell = 32, Precisions = [], Serve = new ServeResult("int8", 32, batched, unbatched) };
        return Assert.Single(BenchTargets.Evaluate(result), c => c.Target.StartsWith("serve ", StringComparison.Ordinal)).Met;
    }

    private static readonly MachineInfo Machine = new("cpu", 16, null, "linux", ".NET", "1.31.0", "today");

    private static CellResult Cell(int tokens, double ratio, double ours, (string Dtype, double TokensPerSecond)[] peers, double gflops, double limit)
    {
        var cell = new CellResult { Tokens = tokens, Ratio = ratio, Positions = tokens, TokensPerSecond = ours, MillisecondsPerText = 1, Gflops = gflops, LimitGflops = limit };
        cell.Peers.AddRange(peers.Select(p => new PeerCell(p.Dtype, p.TokensPerSecond, 1, 0.9999)));
        return cell;
    }
}

using System.Globalization;

namespace Jasper.Cli.Benchmarking;

/// <summary>
/// The performance targets of the project, checked against one run's figures (512-token texts, or the length
/// nearest to it when 512 was not measured). A target whose figures were not measured is left out.
/// </summary>
internal static class BenchTargets
{
    public const int TargetTokens = 512;

    public static List<TargetCheck> Evaluate(BenchResult result)
    {
        var checks = new List<TargetCheck>();
        AddModelTargets(checks, result);
        if (result.Serve is { } serve)
        {
            AddServeTarget(checks, serve);
        }

        return checks;
    }

    private static void AddModelTargets(List<TargetCheck> checks, BenchResult result)
    {
        if (result.Provider != "cpu")
        {
            AddGpuTargets(checks, result);
        }

        var fp32 = result.Precisions.FirstOrDefault(p => p.Precision == "fp32");
        var reference = fp32 ?? result.Precisions.FirstOrDefault();
        if (reference is null)
        {
            return;
        }

        int tokens = reference.Cells.Select(c => c.Tokens).Distinct().OrderBy(t => Math.Abs(t - TargetTokens)).First();
        var ratio1 = Cell(reference, tokens, 1.0);
        if (fp32 is not null && ratio1 is not null && result.Provider == "cpu")
        {
            checks.Add(Check($"fp32, ratio 1.0, {tokens} tokens: ≥ 75% of the MatMul limit",
                $"{ratio1.Gflops:0} of {ratio1.LimitGflops:0} GFLOP/s = {ratio1.FractionOfLimit:P0}", ratio1.FractionOfLimit >= 0.75));
            if (ratio1.TimesPeer is double times)
            {
                checks.Add(Check($"fp32, ratio 1.0, {tokens} tokens: ≥ 1.25× the PyTorch peer",
                    $"{ratio1.TokensPerSecond:0} vs {ratio1.PeerTokensPerSecond:0} tokens/s = {times:0.00}×", times >= 1.25));
            }
        }

        foreach (var (ratio, goal) in new[] { (0.33, 2.0), (0.1, 3.0) })
        {
            if (Cell(reference, tokens, ratio) is { SpeedupOverRatio1: double speedup } cell)
            {
                checks.Add(Check($"{reference.Precision}, ratio {ratio:0.##}, {tokens} tokens: ≥ {goal:0.0}× ratio 1.0",
                    $"{cell.TokensPerSecond:0} vs {ratio1?.TokensPerSecond:0} tokens/s = {speedup:0.00}×", speedup >= goal));
            }
        }

        if (result.Precisions.FirstOrDefault(p => p.Precision == "int8") is { } int8)
        {
            if (Cell(int8, tokens, 1.0) is { } cell && ratio1?.PeerTokensPerSecond is double peer)
            {
                double times = cell.TokensPerSecond / peer;
                checks.Add(Check($"int8, ratio 1.0, {tokens} tokens: ≥ 3× the PyTorch fp32 peer",
                    $"{cell.TokensPerSecond:0} vs {peer:0} tokens/s = {times:0.00}×", times >= 3.0));
            }

            AddCosine(checks, int8, 0.99);
        }

        if (result.Precisions.FirstOrDefault(p => p.Precision == "fp16") is { } fp16)
        {
            AddCosine(checks, fp16, 0.999);
        }
    }

    // Answered requests only, and a run that refused any does not meet it: refusals are no throughput.
    private static void AddServeTarget(List<TargetCheck> checks, ServeResult serve)
    {
        bool failed = serve.Batched.Errors + serve.Unbatched.Errors > 0;
        string errors = failed ? $"; {serve.Batched.Errors} vs {serve.Unbatched.Errors} requests failed" : string.Empty;
        checks.Add(Check($"serve {serve.Precision}, {serve.Clients} clients: dynamic batching ≥ 3× without",
            $"{serve.Batched.RequestsPerSecond:0.0} vs {serve.Unbatched.RequestsPerSecond:0.0} requests/s answered = {serve.Speedup:0.00}× (p99 {serve.Batched.P99Milliseconds:0} vs {serve.Unbatched.P99Milliseconds:0} ms){errors}",
            serve.Speedup >= 3.0 && !failed));
    }

    // The GPU issue's targets for our fp16 graph beside the PyTorch SDPA peer (the faster of its bf16 and fp16).
    private static void AddGpuTargets(List<TargetCheck> checks, BenchResult result)
    {
        if (result.Precisions.FirstOrDefault(p => p.Precision == "fp16") is not { } fp16)
        {
            return;
        }

        foreach (int tokens in new[] { 512, 1024 })
        {
            foreach (double ratio in new[] { 1.0, 0.33 })
            {
                if (Cell(fp16, tokens, ratio) is { TimesPeer: double times } cell)
                {
                    checks.Add(Check($"fp16, ratio {ratio:0.0#}, {tokens} tokens: ≥ 1.25× the PyTorch SDPA peer",
                        $"{cell.TokensPerSecond:0} vs {cell.PeerTokensPerSecond:0} tokens/s = {times:0.00}×", times >= 1.25));
                }
            }
        }

        if (Cell(fp16, 1024, 1.0) is { } dense)
        {
            checks.Add(Check($"fp16, ratio 1.0, 1024 tokens: ≥ 35% of the measured fp16 dense rate",
                $"{dense.Gflops:0} of {dense.LimitGflops:0} GFLOP/s = {dense.FractionOfLimit:P0}", dense.FractionOfLimit >= 0.35));
        }
    }

    private static void AddCosine(List<TargetCheck> checks, PrecisionResult precision, double goal)
    {
        if (precision.WorstCosineToFp32 is double worst)
        {
            checks.Add(Check($"{precision.Precision}: cosine ≥ {goal} to fp32 on every text",
                $"worst {worst:0.000000}, mean {precision.MeanCosineToFp32:0.000000}", worst >= goal));
        }
    }

    private static CellResult? Cell(PrecisionResult precision, int tokens, double ratio) =>
        precision.Cells.FirstOrDefault(c => c.Tokens == tokens && Math.Abs(c.Ratio - ratio) < 1e-9);

    private static TargetCheck Check(FormattableString target, FormattableString measured, bool met) =>
        new(target.ToString(CultureInfo.InvariantCulture), measured.ToString(CultureInfo.InvariantCulture), met);
}

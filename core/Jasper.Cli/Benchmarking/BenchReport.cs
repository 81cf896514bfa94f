using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Jasper.Cli.Benchmarking;

/// <summary>A bench run as Markdown (printed, written to a file or into a README section) and as JSON.</summary>
internal static class BenchReport
{
    /// <summary>Marks the start of the README section <c>--readme</c> replaces with a CPU run.</summary>
    public const string StartMarker = "<!-- jasper bench: start -->";

    /// <summary>Marks its end.</summary>
    public const string EndMarker = "<!-- jasper bench: end -->";

    /// <summary>The markers of the section a run on <paramref name="provider"/> replaces: a GPU run has its own section.</summary>
    public static (string Start, string End) Markers(string provider) =>
        provider == "cpu" ? (StartMarker, EndMarker) : ($"<!-- jasper bench {provider}: start -->", $"<!-- jasper bench {provider}: end -->");

    // The published ratio/latency table (jasper-model.md): ms per text at batch 32 on an unstated GPU.
    private static readonly (string Ratio, double Ms512, double Ms1024)[] Published =
    [
        ("1.0 (none)", 12.20, 24.24), ("0.5", 7.39, 13.11), ("0.33", 5.41, 9.38), ("0.2", 4.00, 6.56), ("0.1", 3.18, 4.48),
    ];

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string ToJson(BenchResult result) => JsonSerializer.Serialize(result, JsonOptions);

    public static string ToMarkdown(BenchResult result, string? plotPath = null)
    {
        var md = new StringBuilder();
        Machine(md, result);
        Targets(md, result);
        Precisions(md, result);
        Cells(md, result);
        Serving(md, result);
        if (plotPath is not null)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"![Throughput against compression ratio]({plotPath.Replace('\\', '/')})").AppendLine();
        }

        PublishedComparison(md, result);
        return md.ToString();
    }

    /// <summary>Replaces the README's bench section (between the markers) with <paramref name="markdown"/>.</summary>
    public static string ReplaceSection(string readme, string markdown, string provider = "cpu")
    {
        var (startMarker, endMarker) = Markers(provider);
        int start = readme.IndexOf(startMarker, StringComparison.Ordinal);
        int end = readme.IndexOf(endMarker, StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            throw new InvalidDataException($"The README has no section between {startMarker} and {endMarker} to replace.");
        }

        return readme[..(start + startMarker.Length)] + "\n" + markdown.TrimEnd() + "\n" + readme[end..];
    }

    private static void Machine(StringBuilder md, BenchResult r)
    {
        var m = r.Machine;
        string quota = m.CpuQuota is null ? string.Empty : $" (cgroup cpu.max `{m.CpuQuota}`)";
        md.AppendLine(CultureInfo.InvariantCulture, $"Measured {m.Date} by `jasper bench` on {m.Cpu}, {m.Processors} processors available to the process{quota}, {m.Os}, {m.Runtime}, ONNX Runtime {m.OnnxRuntime} ({r.Provider} provider).")
          .AppendLine(CultureInfo.InvariantCulture, $"Model: {r.Model}. {r.TextsPerCell} texts per cell, batches of at most {r.BatchTokens} padded tokens.")
          .AppendLine(r.Peer switch
          {
              { Device: "cpu" } p => string.Create(CultureInfo.InvariantCulture, $"Peer: PyTorch {p.Torch} ({p.Python}) in float32, {p.Threads} threads, BLAS {p.Blas}; batches of 32 sorted by length, as sentence-transformers runs."),
              { } p => string.Create(CultureInfo.InvariantCulture, $"Peer: PyTorch {p.Torch} ({p.Python}) on {p.Blas}, bf16 and fp16 weights and activations with SDPA attention; batches of 32 sorted by length, as sentence-transformers runs with torch_dtype. × peer is taken against the faster of the two."),
              null => $"Peer: not run ({r.PeerSkipped}).",
          })
          .AppendLine();
    }

    private static void Targets(StringBuilder md, BenchResult r)
    {
        if (r.Targets.Count == 0)
        {
            return;
        }

        md.AppendLine("| target | measured | met |").AppendLine("|---|---|---|");
        foreach (var t in r.Targets)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {t.Target} | {t.Measured} | {(t.Met ? "yes" : "**no**")} |");
        }

        md.AppendLine();
    }

    private static void Precisions(StringBuilder md, BenchResult r)
    {
        md.AppendLine("| precision | weights | start-up: process to first embedding | of which session | start-up peak memory | bench peak memory | cosine to fp32 (worst / mean) |")
          .AppendLine("|---|---|---|---|---|---|---|");
        foreach (var p in r.Precisions)
        {
            string startup = p.Startup is { } s ? $"{StartupProbe.Format(s.ProcessSeconds)} s | {StartupProbe.Format(s.SessionSeconds)} s | {ProgressLine.FormatBytes(s.PeakBytes)}" : "– | – | –";
            string cosine = p.WorstCosineToFp32 is double worst ? string.Create(CultureInfo.InvariantCulture, $"{worst:0.000000} / {p.MeanCosineToFp32:0.000000}") : "–";
            md.AppendLine(CultureInfo.InvariantCulture, $"| {p.Precision} | {ProgressLine.FormatBytes(p.WeightBytes)} | {startup} | {ProgressLine.FormatBytes(p.PeakBytes)} | {cosine} |");
        }

        md.AppendLine();
    }

    private static void Cells(StringBuilder md, BenchResult r)
    {
        // One group of peer columns per dtype the peer ran in (fp32 on the CPU; bf16 and fp16 on CUDA).
        string[] dtypes = [.. r.Precisions.SelectMany(p => p.Cells).SelectMany(c => c.Peers).Select(p => p.Dtype).Distinct()];
        if (dtypes.Length == 0)
        {
            dtypes = ["fp32"];
        }

        md.AppendLine("| precision | tokens | ratio | positions | tokens/s | ms/text | GFLOP/s | of MatMul limit | × ratio 1.0 | " +
                      string.Concat(dtypes.Select(d => $"peer {d} tokens/s | × peer {d} | cosine to peer {d} | ")) + "cosine to fp32 |")
          .AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|" + string.Concat(Enumerable.Repeat("---:|---:|---:|", dtypes.Length)) + "---:|");
        foreach (var p in r.Precisions)
        {
            foreach (var c in p.Cells)
            {
                md.Append(CultureInfo.InvariantCulture,
                    $"| {p.Precision} | {c.Tokens} | {c.Ratio:0.##} | {c.Positions} | {c.TokensPerSecond:0} | {c.MillisecondsPerText:0.0} | {c.Gflops:0} | {c.FractionOfLimit:P0} of {c.LimitGflops:0} | {c.SpeedupOverRatio1:0.00} | ");
                foreach (string dtype in dtypes)
                {
                    var x = c.Peers.FirstOrDefault(peer => peer.Dtype == dtype);
                    md.Append(CultureInfo.InvariantCulture, $"{Optional(x?.TokensPerSecond, "0")} | {Optional(c.TimesPeerIn(dtype), "0.00")} | {Optional(x?.Cosine, "0.000000")} | ");
                }

                md.AppendLine(CultureInfo.InvariantCulture, $"{Optional(c.WorstCosineToFp32, "0.000000")} |");
            }
        }

        md.AppendLine();
    }

    private static void Serving(StringBuilder md, BenchResult r)
    {
        if (r.Serve is not { } s)
        {
            return;
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"`jasper serve` ({s.Precision}), {s.Clients} concurrent clients each sending one short search query ({s.Batched.TokensPerRequest:0.0} tokens on average) per request:").AppendLine()
          .AppendLine("| dynamic batching | requests/s | p50 latency | p99 latency | errors |").AppendLine("|---|---:|---:|---:|---:|");
        foreach (var (name, l) in new[] { ("on", s.Batched), ("off", s.Unbatched) })
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {l.RequestsPerSecond:0.0} | {l.P50Milliseconds:0} ms | {l.P99Milliseconds:0} ms | {l.Errors} |");
        }

        md.AppendLine();
    }

    private static void PublishedComparison(StringBuilder md, BenchResult r)
    {
        var reference = r.Precisions.FirstOrDefault(p => p.Precision == "fp32") ?? r.Precisions.FirstOrDefault();
        md.AppendLine("The published ratio/latency table (ms per text at batch 32 on an unstated GPU) beside this run's " +
                      $"{reference?.Precision ?? "fp32"} figures ({r.Provider} provider); the speed-ups over ratio 1.0 are the comparable part:").AppendLine()
          .AppendLine("| ratio | paper 512 tok | paper speed-up | ours 512 tok | our speed-up | paper 1024 tok | paper speed-up | ours 1024 tok | our speed-up |")
          .AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (ratio, ms512, ms1024) in Published)
        {
            double value = ratio.StartsWith("1.0", StringComparison.Ordinal) ? 1.0 : double.Parse(ratio, CultureInfo.InvariantCulture);
            var ours512 = reference?.Cells.FirstOrDefault(c => c.Tokens == 512 && Math.Abs(c.Ratio - value) < 1e-9);
            var ours1024 = reference?.Cells.FirstOrDefault(c => c.Tokens == 1024 && Math.Abs(c.Ratio - value) < 1e-9);
            md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {ratio} | {ms512:0.00} ms | {Published[0].Ms512 / ms512:0.00}× | {Optional(ours512?.MillisecondsPerText, "0")} ms | {Optional(ours512?.SpeedupOverRatio1, "0.00")}× | " +
                $"{ms1024:0.00} ms | {Published[0].Ms1024 / ms1024:0.00}× | {Optional(ours1024?.MillisecondsPerText, "0")} ms | {Optional(ours1024?.SpeedupOverRatio1, "0.00")}× |"));
        }

        md.AppendLine();
    }

    private static string Optional(double? value, string format) => value is double v ? v.ToString(format, CultureInfo.InvariantCulture) : "–";
}

using System.Text.Json;
using Jasper.TestSupport;
using Xunit.Abstractions;

namespace Jasper.Cli.Tests;

/// <summary>
/// <c>jasper bench</c> end to end on tiny random weights: every section of the report, the JSON, the PNG and the
/// README section it rewrites. The figures themselves are not asserted: unit tests never time things.
/// </summary>
public sealed class BenchCommandTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "jasper-bench-test-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_tiny_run_reports_every_figure_and_writes_json_plot_and_readme()
    {
        Directory.CreateDirectory(_work);
        string json = Path.Combine(_work, "bench.json");
        string plot = Path.Combine(_work, "docs", "bench.png");
        string readme = Path.Combine(_work, "README.md");
        await File.WriteAllTextAsync(readme, "# Title\n\n## Performance\n<!-- jasper bench: start -->\nold figures\n<!-- jasper bench: end -->\n\n## Next\n");

        var (code, stdout, stderr) = await CliRunner.RunAsync(
            "bench", "--random", "tiny", "--tokenizer", RepoPaths.QwenTokenizer, "--work", Path.Combine(_work, "models"),
            "--precision", "fp32,int8", "--tokens", "40,120", "--ratios", "1,0.5", "--texts", "2", "--seconds", "0",
            "--python", Path.Combine(_work, "no-such-python"), "--serve-clients", "4", "--serve-seconds", "1",
            "--json", json, "--plot", plot, "--readme", readme);
        output.WriteLine(stderr);
        output.WriteLine(stdout);
        Assert.True(code == 0, stderr);

        using var result = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var root = result.RootElement;
        Assert.Contains("no Python with torch", root.GetProperty("peer_skipped").GetString(), StringComparison.Ordinal);
        var precisions = root.GetProperty("precisions").EnumerateArray().ToList();
        Assert.Equal(["fp32", "int8"], precisions.Select(p => p.GetProperty("precision").GetString()));
        foreach (var precision in precisions)
        {
            Assert.True(precision.GetProperty("startup").GetProperty("process_seconds").GetDouble() > 0);
            Assert.True(precision.GetProperty("peak_bytes").GetInt64() > 0);
            var cells = precision.GetProperty("cells").EnumerateArray().ToList();
            Assert.Equal(4, cells.Count);
            Assert.All(cells, c => Assert.True(c.GetProperty("tokens_per_second").GetDouble() > 0 && c.GetProperty("limit_gflops").GetDouble() > 0));
            Assert.Equal([40, 40, 120, 120], cells.Select(c => c.GetProperty("tokens").GetInt32()));
            Assert.Equal([40, 40, 120, 100], cells.Select(c => c.GetProperty("positions").GetInt32())); // 80 + 40·0.5
        }

        Assert.InRange(precisions[1].GetProperty("worst_cosine_to_fp32").GetDouble(), 0.9, 1.0);
        Assert.True(root.GetProperty("serve").GetProperty("batched").GetProperty("requests_per_second").GetDouble() > 0);
        Assert.Contains(root.GetProperty("targets").EnumerateArray(), t => t.GetProperty("target").GetString()!.StartsWith("int8: cosine", StringComparison.Ordinal));

        byte[] png = await File.ReadAllBytesAsync(plot);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);

        string rewritten = await File.ReadAllTextAsync(readme);
        Assert.DoesNotContain("old figures", rewritten, StringComparison.Ordinal);
        Assert.Contains("| fp32 | 120 | 0.5 | 100 |", rewritten, StringComparison.Ordinal);
        Assert.Contains("![Throughput against compression ratio](docs/bench.png)", rewritten, StringComparison.Ordinal);
        Assert.EndsWith("<!-- jasper bench: end -->\n\n## Next\n", rewritten, StringComparison.Ordinal);
        Assert.Contains("| ratio | paper 512 tok |", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--precision", "fp8")]
    [InlineData("--tokens", "512,abc")]
    [InlineData("--ratios", "1,2")]
    public async Task Bad_lists_fail_before_any_work(string option, string value)
    {
        var (code, _, stderr) = await CliRunner.RunAsync("bench", "--random", "tiny", "--work", _work, option, value);
        Assert.NotEqual(0, code);
        Assert.Contains(option, stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_work), "nothing may be written when the arguments are wrong");
    }

    public void Dispose()
    {
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }
}

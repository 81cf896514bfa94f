using Jasper.Ingestion.Vectors;
using Jasper.TestSupport;

namespace Jasper.Cli.Tests;

/// <summary>`jasper ingest` and `jasper search` on the tiny model.</summary>
public sealed class IngestCommandTests
{
    [Fact]
    public async Task A_mixed_folder_gives_records_for_every_good_document_names_each_failure_and_exits_2_with_stable_ids()
    {
        using var dir = new TempDirectory();
        string folder = MixedDocuments.Write(dir.Combine("docs"));
        string[] args = ["ingest", folder, "--model", TinyModels.Fp32, "--out", dir.Combine("index")];

        var first = await CliRunner.RunAsync(args);
        var ids = RecordIds(dir.Combine("index"));
        var second = await CliRunner.RunAsync(args);

        Assert.True(first.ExitCode == 2, first.Error + first.Out);
        Assert.Equal(MixedDocuments.Good.Count, Directory.GetFiles(dir.Combine("index"), "*.jsonl").Length);
        foreach (var (name, kind) in MixedDocuments.Bad)
        {
            Assert.Contains(name, first.Out, StringComparison.Ordinal);
        }

        Assert.Contains("unsupported: binary content (PNG image)", first.Out, StringComparison.Ordinal);
        Assert.Contains("corrupt: ", first.Out, StringComparison.Ordinal);
        Assert.Contains("encoding: not valid UTF-8", first.Out, StringComparison.Ordinal);
        Assert.Matches(@"│ failed\s+│ " + MixedDocuments.Bad.Count + @"\s+│", first.Out);
        Assert.Equal(2, second.ExitCode);
        Assert.Matches(@"│ unchanged\s+│ " + MixedDocuments.Good.Count + @"\s+│", second.Out);
        Assert.Equal(ids, RecordIds(dir.Combine("index")));
    }

    [Fact]
    public async Task A_directory_link_that_loops_back_is_not_followed()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("docs", "inner"));
        await File.WriteAllTextAsync(dir.Combine("docs", "inner", "note.txt"), "A short note about token compression.");
        Directory.CreateSymbolicLink(dir.Combine("docs", "inner", "loop"), dir.Combine("docs"));

        var result = await CliRunner.RunAsync("ingest", dir.Combine("docs"), "--model", TinyModels.Fp32, "--out", dir.Combine("index"));

        Assert.True(result.ExitCode == 0, result.Error + result.Out);
        Assert.Single(Directory.GetFiles(dir.Combine("index"), "*.jsonl"));
    }

    [Fact]
    public async Task Only_bad_documents_exit_1_and_only_good_ones_exit_0()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("bad"));
        File.WriteAllBytes(dir.Combine("bad", "empty.txt"), []);
        var bad = await CliRunner.RunAsync("ingest", dir.Combine("bad"), dir.Combine("missing-path"), "--model", TinyModels.Fp32, "--out", dir.Combine("index"));
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("not found", bad.Out, StringComparison.Ordinal);

        var good = await CliRunner.RunAsync("ingest", Path.Combine(RepoPaths.Root, "samples"), "--model", TinyModels.Fp32, "--out", dir.Combine("index"), "--priority", "high");
        Assert.True(good.ExitCode == 0, good.Out + good.Error);
        Assert.Matches(@"│ ingested\s+│ 6\s+│", good.Out);
    }

    [Fact]
    public async Task Search_ranks_records_by_cosine_and_prints_score_source_offsets_and_text()
    {
        using var dir = new TempDirectory();
        await CliRunner.RunAsync("ingest", Path.Combine(RepoPaths.Root, "samples"), "--model", TinyModels.Fp32, "--out", dir.Combine("index"));
        var record = File.ReadLines(Directory.GetFiles(dir.Combine("index"), "*.jsonl").Order(StringComparer.Ordinal).First()).Select(VectorRecordSerializer.Parse).First();

        // A document chunk searched with its own text under the query prompt is not identical, but it is close.
        var result = await CliRunner.RunAsync("search", record.Text, "--index", dir.Combine("index"), "--model", TinyModels.Fp32, "-k", "3");

        Assert.True(result.ExitCode == 0, result.Error);
        string[] lines = result.Out.Split('\n');
        Assert.Matches(@"^1\. 0\.\d{4}  /.+  \[\d+, \d+\)  chunk \d+, ratio [\d.]+$", lines[0]);
        Assert.Equal(3, lines.Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\d\. ")));
        var scores = lines.Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\d\. ")).Select(l => double.Parse(l.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
    }

    [Fact]
    public async Task Searching_an_index_built_with_another_width_is_a_clear_error()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("index"));
        var record = new VectorRecord
        {
            Id = "a-0",
            DocumentId = "a",
            Source = "/a",
            ChunkIndex = 0,
            CharStart = 0,
            CharEnd = 1,
            Text = "a",
            Tokens = 1,
            CompressedTokens = 1,
            CompressionRatio = 1,
            Priority = "normal",
            Model = "other-model",
            Dimensions = 4,
            Embedding = [1, 0, 0, 0],
        };
        File.WriteAllBytes(dir.Combine("index", "a.jsonl"), VectorRecordSerializer.ToJsonLine(record).ToArray());
        var result = await CliRunner.RunAsync("search", "query", "--index", dir.Combine("index"), "--model", TinyModels.Fp32);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("4-dimensional vectors from model 'other-model'", result.Error, StringComparison.Ordinal);
    }

    private static List<string> RecordIds(string index) => Directory.GetFiles(index, "*.jsonl").Order(StringComparer.Ordinal)
        .SelectMany(File.ReadLines).Select(l => VectorRecordSerializer.Parse(l).Id).ToList();
}

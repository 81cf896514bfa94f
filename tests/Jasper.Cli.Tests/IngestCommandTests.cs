using System.Text;
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
    public async Task Documents_are_parsed_in_a_worker_of_jasper_itself_unless_asked_in_process()
    {
        using var dir = new TempDirectory();
        string folder = MixedDocuments.Write(dir.Combine("docs"));
        string jasper = Path.Combine(AppContext.BaseDirectory, "jasper.dll");
        var before = ChildProcesses.Running(jasper, "--jasper-extraction-worker"); // other tests' workers, idle

        var isolated = await CliRunner.RunAsync("ingest", folder, "--model", TinyModels.Fp32, "--out", dir.Combine("isolated"));
        var started = ChildProcesses.Running(jasper, "--jasper-extraction-worker").Except(before).ToList();
        var inProcess = await CliRunner.RunAsync("ingest", folder, "--model", TinyModels.Fp32, "--out", dir.Combine("in-process"), "--in-process");

        // The same records and failures either way; the worker that parsed them waits for more (a minute, then exits).
        Assert.Single(started);
        Assert.Equal(inProcess.ExitCode, isolated.ExitCode);
        foreach (string file in Directory.GetFiles(dir.Combine("in-process")).Select(Path.GetFileName)!)
        {
            Assert.Equal(File.ReadAllText(dir.Combine("in-process", file!)), File.ReadAllText(dir.Combine("isolated", file!)));
        }

        Assert.Equal(Directory.GetFiles(dir.Combine("in-process")).Length, Directory.GetFiles(dir.Combine("isolated")).Length);
        foreach (var (name, _) in MixedDocuments.Bad)
        {
            Assert.Contains(name, isolated.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_jasper_executable_starts_itself_as_the_worker()
    {
        // Installed as a .NET tool or published self-contained, jasper is its own executable, not `dotnet jasper.dll`:
        // the worker is that executable again. A wrong worker would fail every PDF, Word and HTML file.
        using var dir = new TempDirectory();
        string folder = MixedDocuments.Write(dir.Combine("docs"));
        string jasper = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "jasper.exe" : "jasper");

        var isolated = await ProgramRun.RunAsync(jasper, ["ingest", folder, "--model", TinyModels.Fp32, "--out", dir.Combine("isolated")]);
        var inProcess = await ProgramRun.RunAsync(jasper, ["ingest", folder, "--model", TinyModels.Fp32, "--out", dir.Combine("in-process"), "--in-process"]);

        Assert.True(isolated.ExitCode == 2, isolated.Output); // the bad documents fail, each alone
        Assert.Equal(inProcess.ExitCode, isolated.ExitCode);
        Assert.Equal(MixedDocuments.Good.Count, Directory.GetFiles(dir.Combine("isolated"), "*.jsonl").Length);
        foreach (string file in Directory.GetFiles(dir.Combine("in-process"), "*.jsonl").Select(Path.GetFileName)!)
        {
            Assert.Equal(File.ReadAllText(dir.Combine("in-process", file!)), File.ReadAllText(dir.Combine("isolated", file!)));
        }
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
    public async Task Files_it_cannot_read_are_named_failures_and_the_rest_are_ingested()
    {
        using var dir = new TempDirectory();
        string docs = Directory.CreateDirectory(dir.Combine("docs")).FullName;
        await File.WriteAllTextAsync(Path.Combine(docs, "good.txt"), "A good note about token compression.");
        Shell($"printf 'A note whose name is Latin-1.' > \"$(printf '{docs}/caf\\351.txt')\""); // a name that is not UTF-8
        Shell($"mkfifo '{docs}/pipe.txt'");                          // opening a FIFO waits for a writer for ever
        File.CreateSymbolicLink(Path.Combine(docs, "zero.txt"), "/dev/zero"); // reading never ends

        (int ExitCode, string Out, string Error) result;
        try
        {
            result = await CliRunner.RunAsync("ingest", docs, "--model", TinyModels.Fp32, "--out", dir.Combine("index"));
        }
        finally
        {
            // .NET cannot name the Latin-1 file to delete it, so the temp directory would stay behind after every run.
            Shell($"rm -r '{docs}'");
        }

        Assert.True(result.ExitCode == 2, result.Error + result.Out);
        Assert.Single(Directory.GetFiles(dir.Combine("index"), "*.jsonl"));
        Assert.Matches(@"caf.\.txt\s+│ unreadable: the file name is not valid UTF-8", result.Out);
        Assert.Matches(@"pipe\.txt\s+│ empty: no bytes to read", result.Out);
        Assert.Matches(@"zero\.txt\s+│ empty: no bytes to read", result.Out);
    }

    [Fact]
    public async Task Text_with_a_byte_order_mark_is_read_without_replacement_characters()
    {
        using var dir = new TempDirectory();
        string docs = Directory.CreateDirectory(dir.Combine("docs")).FullName;
        byte[] utf8Bom = [0xEF, 0xBB, 0xBF];
        await File.WriteAllBytesAsync(Path.Combine(docs, "bom8.txt"), [.. utf8Bom, .. Encoding.UTF8.GetBytes("UTF-8 text after a mark.")]);
        await File.WriteAllBytesAsync(Path.Combine(docs, "bom16be.txt"), [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes("Big-endian text after a mark.")]);
        await File.WriteAllBytesAsync(Path.Combine(docs, "bom16le.md"), [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("# Little-endian Markdown\n\nAfter a mark.")]);
        await File.WriteAllBytesAsync(Path.Combine(docs, "bom8.html"), [.. utf8Bom, .. Encoding.UTF8.GetBytes("<html><body><p>HTML after a mark.</p></body></html>")]);
        await File.WriteAllBytesAsync(Path.Combine(docs, "bom8.md"), [.. utf8Bom, .. Encoding.UTF8.GetBytes("# Markdown after a mark\n\nBody.")]);

        var result = await CliRunner.RunAsync("ingest", docs, "--model", TinyModels.Fp32, "--out", dir.Combine("index"));

        Assert.True(result.ExitCode == 0, result.Error + result.Out);
        var texts = Directory.GetFiles(dir.Combine("index"), "*.jsonl").SelectMany(File.ReadLines).Select(VectorRecordSerializer.Parse).Select(r => r.Text).ToList();
        Assert.Equal(5, texts.Count);
        Assert.All(texts, t => Assert.DoesNotContain('\uFFFD', t));
        Assert.All(texts, t => Assert.DoesNotContain('\uFEFF', t));
        Assert.Contains(texts, t => t.StartsWith("Big-endian text", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("Little-endian Markdown", StringComparison.Ordinal));
    }

    private static void Shell(string command)
    {
        using var process = System.Diagnostics.Process.Start("bash", ["-c", command])!;
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
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
    public async Task Redirected_progress_ends_with_how_far_the_run_came_not_with_the_bar_it_started_with()
    {
        // Logs (CI, containers) get progress as plain lines. The bar, redirected, printed "ingesting: 0%" once and
        // never again.
        using var dir = new TempDirectory();
        var result = await CliRunner.RunAsync("ingest", Path.Combine(RepoPaths.Root, "samples"), "--model", TinyModels.Fp32, "--out", dir.Combine("index"));

        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.DoesNotContain(lines, l => l.EndsWith('%'));
        Assert.Matches(@"^ended 6/6 documents, \d+ chunks embedded$", lines[^1]);
    }

    [Fact]
    public async Task On_a_terminal_the_bar_is_drawn_to_its_end_though_standard_input_is_not_one()
    {
        // As `docker run -t` without -i runs it: standard error is a terminal (here util-linux's script gives it one),
        // standard input is not. Spectre took that console for a non-interactive one and drew the bar's first frame
        // only ("ingesting: 0%").
        using var dir = new TempDirectory();
        string jasper = Path.Combine(AppContext.BaseDirectory, "jasper.dll");
        string ingest = $"dotnet '{jasper}' ingest '{Path.Combine(RepoPaths.Root, "samples")}' --model '{TinyModels.Fp32}' --out '{dir.Combine("index")}' > /dev/null";
        var run = await ProgramRun.RunAsync("sh", ["-c", $"script -qec \"{ingest}\" '{dir.Combine("typescript")}' < /dev/null"], dir.Path);

        Assert.True(run.ExitCode == 0, run.Output);
        string drawn = File.ReadAllText(dir.Combine("typescript"));
        Assert.Contains("ingested", drawn, StringComparison.Ordinal);
        Assert.Contains("100%", drawn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Documents_planned_ahead_give_the_records_of_one_after_another_and_a_negative_count_is_refused()
    {
        using var dir = new TempDirectory();
        string samples = Path.Combine(RepoPaths.Root, "samples");
        var sequential = await CliRunner.RunAsync("ingest", samples, "--model", TinyModels.Fp32, "--out", dir.Combine("sequential"), "--documents-ahead", "0");
        var ahead = await CliRunner.RunAsync("ingest", samples, "--model", TinyModels.Fp32, "--out", dir.Combine("ahead"), "--documents-ahead", "3");
        var negative = await CliRunner.RunAsync("ingest", samples, "--model", TinyModels.Fp32, "--out", dir.Combine("negative"), "--documents-ahead", "-1");

        Assert.True(sequential.ExitCode == 0, sequential.Out + sequential.Error);
        Assert.True(ahead.ExitCode == 0, ahead.Out + ahead.Error);
        var expected = RecordsByFile(dir.Combine("sequential"));
        Assert.Equal(6, expected.Count);
        Assert.Equal(expected, RecordsByFile(dir.Combine("ahead")));
        Assert.NotEqual(0, negative.ExitCode);
        Assert.Contains("--documents-ahead cannot be negative", negative.Error, StringComparison.Ordinal);

        // What a record holds besides its vector, whose last digits may differ with its batch mates.
        static Dictionary<string, string> RecordsByFile(string index) => Directory.GetFiles(index, "*.jsonl").ToDictionary(
            file => Path.GetFileName(file),
            file => string.Join('\n', File.ReadLines(file).Select(VectorRecordSerializer.Parse).Select(r => $"{r.Id} {r.CharStart} {r.CharEnd} {r.Tokens} {r.CompressedTokens} {r.Text}")));
    }

    [Fact]
    public async Task With_prune_files_deleted_or_renamed_under_the_directories_given_leave_the_index_and_others_stay()
    {
        using var dir = new TempDirectory();
        string docs = dir.Combine("docs");
        foreach (string name in new[] { "kept.txt", "deleted.txt", Path.Combine("inner", "renamed.txt"), "broken.txt" })
        {
            dir.WriteText($"A note called {name} about token compression.", "docs", name);
        }

        dir.WriteText("A note from another folder, ingested into the same index.", "other", "elsewhere.txt");
        string index = dir.Combine("index");
        string[] model = ["--model", TinyModels.Fp32, "--out", index];
        await CliRunner.RunAsync(["ingest", docs, dir.Combine("other"), .. model]);
        File.Delete(Path.Combine(docs, "deleted.txt"));
        File.Move(Path.Combine(docs, "inner", "renamed.txt"), Path.Combine(docs, "inner", "moved.txt"));
        File.WriteAllBytes(Path.Combine(docs, "broken.txt"), [0x50, 0x4B, 0x03, 0x04, 0xFF]); // still there, now unreadable

        var without = await CliRunner.RunAsync(["ingest", docs, .. model]);
        Assert.Equal(["broken.txt", "deleted.txt", "elsewhere.txt", "kept.txt", "moved.txt", "renamed.txt"], Sources(index));
        Assert.DoesNotContain("removed", without.Out, StringComparison.Ordinal);

        var pruned = await CliRunner.RunAsync(["ingest", docs, dir.Combine("nowhere"), .. model, "--prune"]);

        Assert.True(pruned.ExitCode == 2, pruned.Error + pruned.Out); // broken.txt and the missing folder failed
        Assert.Matches(@"│ removed\s+│ 2\s+│", pruned.Out);
        Assert.Equal(["broken.txt", "elsewhere.txt", "kept.txt", "moved.txt"], Sources(index));
        Assert.Equal(4, Directory.GetFiles(Path.Combine(index, ".jasper"), "*.json").Length);
        Assert.Empty(Directory.GetDirectories(Path.Combine(index, ".jasper")));

        var again = await CliRunner.RunAsync(["ingest", docs, .. model, "--prune"]);
        Assert.Matches(@"│ removed\s+│ 0\s+│", again.Out);
    }

    // The file names of the sources the index holds records of.
    private static List<string> Sources(string index) => Directory.GetFiles(index, "*.jsonl")
        .Select(f => Path.GetFileName(VectorRecordSerializer.Parse(File.ReadLines(f).First()).Source)).Order(StringComparer.Ordinal).ToList();

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

        // (query prompt + text).strip(), as sentence-transformers tokenizes it: whitespace after the text changes nothing.
        var padded = await CliRunner.RunAsync("search", record.Text + "\n\u3000\u001f", "--index", dir.Combine("index"), "--model", TinyModels.Fp32, "-k", "3");
        Assert.Equal(result.Out, padded.Out);
    }

    [Fact]
    public async Task Text_and_names_from_documents_are_printed_without_their_control_characters()
    {
        using var dir = new TempDirectory();
        string docs = dir.Combine("docs");
        Directory.CreateDirectory(docs);
        // Printed raw, these would retitle the terminal, ring its bell, clear the screen and overwrite a line.
        await File.WriteAllTextAsync(Path.Combine(docs, "title.txt"), "Token compression \u001b]0;pwned\u0007 hides \u001b[2J text.\rOverwritten?\tTabbed.\n");
        await File.WriteAllBytesAsync(Path.Combine(docs, "bad \u001b[31mred.txt"), [0, 1, 2]);

        var ingest = await CliRunner.RunAsync("ingest", docs, "--model", TinyModels.Fp32, "--out", dir.Combine("index"));
        var search = await CliRunner.RunAsync("search", "token compression", "--index", dir.Combine("index"), "--model", TinyModels.Fp32);

        Assert.Equal(2, ingest.ExitCode);
        Assert.Contains("bad \uFFFD[31mred.txt", ingest.Out, StringComparison.Ordinal);
        Assert.Contains("Token compression \uFFFD]0;pwned\uFFFD hides \uFFFD[2J text.\uFFFDOverwritten?\tTabbed.", search.Out, StringComparison.Ordinal);
        foreach (string printed in new[] { ingest.Out, ingest.Error, search.Out, search.Error })
        {
            Assert.DoesNotContain(printed, c => char.IsControl(c) && c is not '\n' and not '\t');
        }
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

using System.Text.Json;
using Jasper.Embeddings.Numerics;
using Jasper.TestSupport;

namespace Jasper.Cli.Tests;

/// <summary>`jasper model convert` then `jasper embed`, checked against the PyTorch reference goldens.</summary>
public sealed class EmbedCommandTests : IClassFixture<EmbedCommandTests.ConvertedModel>
{
    private readonly ConvertedModel _model;

    public EmbedCommandTests(ConvertedModel model) => _model = model;

    [Fact]
    public async Task Embed_writes_reference_vectors_in_input_order_with_token_counts()
    {
        using var dir = new TempDirectory();
        // Every third text, and every one with whitespace around it (stripped as sentence-transformers strips it).
        var cases = Goldens.ModelCases.Where((c, i) => i % 3 == 0 || c.Text != c.Text.Trim()).ToList();
        File.WriteAllLines(dir.Combine("in.jsonl"), cases.Select((c, i) => JsonSerializer.Serialize(new { id = $"t{i}", text = c.Text, prompt_name = c.PromptName })));

        var (code, _, error) = await CliRunner.RunAsync("embed", "--model", _model.Path, "--input", dir.Combine("in.jsonl"), "--output", dir.Combine("out.jsonl"), "--compression-ratio", "0.3333");

        Assert.True(code == 0, error);
        var lines = File.ReadAllLines(dir.Combine("out.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(cases.Count, lines.Count);
        for (int i = 0; i < cases.Count; i++)
        {
            var expected = cases[i].Results.Single(r => r.Ratio == 0.3333);
            Assert.Equal($"t{i}", lines[i].GetProperty("id").GetString());
            Assert.Equal(cases[i].Ids.Length, lines[i].GetProperty("tokens").GetInt32());
            Assert.Equal(expected.CompressedTokens, lines[i].GetProperty("compressed_tokens").GetInt32());
            float[] vector = lines[i].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
            Assert.True(VectorMath.Cosine(expected.Embedding, vector) >= 0.9999);
        }
    }

    [Fact]
    public async Task The_jasper_executable_streams_stdin_to_stdout()
    {
        string input = "{\"id\": 7, \"text\": \"hello\"}\n{\"id\": [1, 2], \"text\": \"世界\", \"compression_ratio\": 0.2}\n";

        var (code, output, error) = await CliRunner.RunProcessAsync(input, "embed", "--model", _model.Path, "--input", "-", "--output", "-");

        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(7, lines[0].GetProperty("id").GetInt32());
        Assert.Equal("[1,2]", lines[1].GetProperty("id").GetRawText());
        Assert.Equal(128, lines[1].GetProperty("embedding").GetArrayLength());
        Assert.Contains("tokens/s", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jasper_ort_profile_writes_onnx_runtimes_profile_of_every_node_of_every_inference()
    {
        using var dir = new TempDirectory();
        string input = "{\"id\": 1, \"text\": \"profile me\"}\n{\"id\": 2, \"text\": \"and me, a little longer\"}\n";
        var environment = new Dictionary<string, string> { ["JASPER_ORT_PROFILE"] = dir.Combine("ort") };

        var (code, _, error) = await CliRunner.RunProcessAsync(input, environment, "embed", "--model", _model.Path, "--input", "-", "--output", "-");

        Assert.True(code == 0, error);
        string profile = Assert.Single(Directory.GetFiles(dir.Path, "ort*.json"));
        var events = JsonDocument.Parse(await File.ReadAllTextAsync(profile)).RootElement.EnumerateArray().ToList();
        Assert.Contains(events, e => e.GetProperty("name").GetString() == "model_run");
        Assert.Contains(events, e => e.GetProperty("cat").GetString() == "Node" && e.GetProperty("args").GetProperty("op_name").GetString() == "MatMul");
    }

    [Fact]
    public async Task An_input_file_with_a_byte_order_mark_is_read_as_text()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("bom.jsonl");
        await File.WriteAllTextAsync(path, "{\"id\": 1, \"text\": \"marked\"}\n", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        var (code, _, error) = await CliRunner.RunAsync("embed", "--model", _model.Path, "--input", path, "--output", dir.Combine("out.jsonl"));

        Assert.True(code == 0, error);
        Assert.Single(await File.ReadAllLinesAsync(dir.Combine("out.jsonl")));
    }

    [Fact]
    public async Task An_input_that_can_be_read_only_once_such_as_dev_stdin_is_read_once()
    {
        string input = "{\"id\": 1, \"text\": \"read me once\"}\n{\"id\": 2, \"text\": \"and me\"}\n";

        var (code, output, error) = await CliRunner.RunProcessAsync(input, "embed", "--model", _model.Path, "--input", "/dev/stdin", "--output", "-");

        Assert.True(code == 0, error);
        Assert.Equal(2, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Dev_null_as_the_output_discards_the_vectors_and_stays_a_device()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("in.jsonl"), "{\"id\": 1, \"text\": \"nowhere\"}\n");

        var (code, _, error) = await CliRunner.RunAsync("embed", "--model", _model.Path, "--input", dir.Combine("in.jsonl"), "--output", "/dev/null");

        // The first version wrote /dev/null.partial and moved it over /dev/null: run as root, that replaced the device
        // with a file, which then kept what every later command sent to /dev/null.
        Assert.True(code == 0, error);
        Assert.False(File.Exists("/dev/null.partial"));
        await File.WriteAllTextAsync("/dev/null", "kept only by a file");
        Assert.Empty(await File.ReadAllTextAsync("/dev/null"));
    }

    [Fact]
    public async Task An_existing_output_that_cannot_be_opened_for_writing_is_replaced_whole()
    {
        // Whether an existing output is a pipe is found by opening it to write. A file that refuses that (another user's
        // read-only file; here a running program, which refuses even root) is still replaced by moving the finished
        // output over it, as a file always was.
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("in.jsonl"), "{\"id\": 1, \"text\": \"over a busy file\"}\n");
        string output = dir.Combine("out.jsonl");
        File.Copy("/bin/sleep", output);
        using var running = System.Diagnostics.Process.Start(output, ["60"]);
        try
        {
            Assert.ThrowsAny<IOException>(() => new FileStream(output, FileMode.Open, FileAccess.Write).Dispose());

            var (code, _, error) = await CliRunner.RunAsync("embed", "--model", _model.Path, "--input", dir.Combine("in.jsonl"), "--output", output);

            Assert.True(code == 0, error);
            Assert.Equal(1, JsonDocument.Parse(Assert.Single(await File.ReadAllLinesAsync(output))).RootElement.GetProperty("id").GetInt32());
            Assert.False(File.Exists(output + ".partial"));
        }
        finally
        {
            running.Kill();
        }
    }

    [Fact]
    public async Task An_output_that_is_a_named_pipe_is_written_into_not_replaced_by_a_file()
    {
        using var dir = new TempDirectory();
        string input = dir.Combine("in.jsonl");
        File.WriteAllText(input, "{\"id\": 1, \"text\": \"down the pipe\"}\n{\"id\": 2, \"text\": \"and out\"}\n");
        string pipe = dir.Combine("out.fifo");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [pipe]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // The test holds a writing end of its own, so that the reader sees the end of the pipe only after the command
        // has written and the test lets go: a command that moved a finished file over the pipe instead wrote nothing
        // into it, and the reader then reads nothing.
        var read = Task.Run(() => File.ReadAllText(pipe));
        var held = new FileStream(pipe, FileMode.Open, FileAccess.Write);
        (int Code, string Out, string Error) run;
        try
        {
            run = await CliRunner.RunAsync("embed", "--model", _model.Path, "--input", input, "--output", pipe);
        }
        finally
        {
            await held.DisposeAsync();
        }

        Assert.True(run.Code == 0, run.Error);
        Assert.False(File.Exists(pipe + ".partial"));
        Assert.Equal([1, 2], (await read).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetInt32()));
    }

    [Theory]
    [InlineData("{\"id\": 1, \"text\": \"ok\"}\n{\"id\": 2, \"text\": \"ok\"\n", "line 2: not valid JSON")]
    [InlineData("{\"id\": 1, \"text\": \"ok\"}\n\n[1, 2]\n", "line 3: expected a JSON object")]
    [InlineData("{\"id\": 1, \"body\": \"ok\"}\n", "line 1: \"text\" must be a string")]
    [InlineData("{\"id\": 1, \"text\": \"ok\", \"compression_ratio\": 3}\n", "line 1 (id 1): ")]
    [InlineData("{\"id\": \"e\", \"text\": \"\"}\n", "line 1 (id \"e\"): An empty text")]
    [InlineData("{\"id\": 1, \"text\": \"ok\", \"prompt_name\": \"passage\"}\n", "no prompt named 'passage'")]
    public async Task A_malformed_line_is_an_error_naming_it_and_no_output_is_left(string input, string expected)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("in.jsonl"), input);

        var (code, _, error) = await CliRunner.RunAsync("embed", "--model", _model.Path, "--input", dir.Combine("in.jsonl"), "--output", dir.Combine("out.jsonl"));

        Assert.Equal(1, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir.Path, "out.jsonl*"));
    }

    [Fact]
    public async Task An_input_with_no_line_ends_is_an_error_naming_its_first_line_not_a_whole_file_in_memory()
    {
        using var dir = new TempDirectory();
        string input = dir.Combine("model.onnx.jsonl"); // a binary file given by mistake has no line ends
        File.WriteAllText(input, new string('\u0001', 20 << 20));

        var (code, _, error) = await CliRunner.RunAsync("embed", "--model", _model.Path, "--input", input, "--output", dir.Combine("out.jsonl"));

        Assert.Equal(1, code);
        Assert.Contains("line 1: longer than 16,777,216 characters", error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir.Path, "out.jsonl*"));
    }

    [Fact]
    public async Task A_text_over_the_maximum_is_named_unless_truncate_is_given()
    {
        using var dir = new TempDirectory();
        string text = string.Join(' ', Enumerable.Repeat("word", 300));
        File.WriteAllText(dir.Combine("in.jsonl"), $"{{\"id\": 1, \"text\": \"short\"}}\n{{\"id\": \"long-one\", \"text\": \"{text}\"}}\n");
        string[] args = ["embed", "--model", _model.Path, "--input", dir.Combine("in.jsonl"), "--output", dir.Combine("out.jsonl"), "--max-tokens", "100"];

        var (code, _, error) = await CliRunner.RunAsync(args);
        Assert.Equal(1, code);
        Assert.Contains("line 2 (id \"long-one\")", error, StringComparison.Ordinal);
        Assert.Contains("--truncate", error, StringComparison.Ordinal);

        (code, _, error) = await CliRunner.RunAsync([.. args, "--truncate"]);
        Assert.True(code == 0, error);
        var second = JsonDocument.Parse(File.ReadAllLines(dir.Combine("out.jsonl"))[1]).RootElement;
        Assert.Equal(100, second.GetProperty("tokens").GetInt32());
    }

    [Fact]
    public async Task An_explicit_missing_device_names_the_package()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("in.jsonl"), "{\"id\": 1, \"text\": \"x\"}\n");
        var (code, _, error) = await CliRunner.RunAsync("embed", "--model", _model.Path, "--input", dir.Combine("in.jsonl"), "--output", "-", "--device", "cuda");
        Assert.Equal(1, code);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Model_info_prints_the_manifest()
    {
        var (code, output, _) = await CliRunner.RunAsync("model", "info", _model.Path);
        Assert.Equal(0, code);
        var manifest = JsonDocument.Parse(output).RootElement;
        Assert.Equal(128, manifest.GetProperty("dimensions").GetInt32());
        Assert.Equal(80, manifest.GetProperty("compression").GetProperty("threshold").GetInt32());
    }

    [Fact]
    public async Task A_directory_that_is_not_a_model_is_a_clear_error()
    {
        using var dir = new TempDirectory();
        var (code, _, error) = await CliRunner.RunAsync("model", "info", dir.Path);
        Assert.Equal(1, code);
        Assert.Contains("not a Jasper model directory", error, StringComparison.Ordinal);
    }

    /// <summary>The tiny random checkpoint written and converted through the CLI itself, once for the class.</summary>
    public sealed class ConvertedModel : IDisposable
    {
        private readonly TempDirectory _dir = new();

        public ConvertedModel()
        {
            var random = CliRunner.RunAsync("model", "random", "--preset", "tiny", "--tokenizer", RepoPaths.QwenTokenizer, "--output", _dir.Combine("checkpoint"), "--shard-size-mb", "8").GetAwaiter().GetResult();
            Assert.True(random.ExitCode == 0, random.Error);
            var convert = CliRunner.RunAsync("model", "convert", "--source", _dir.Combine("checkpoint"), "--output", _dir.Combine("model")).GetAwaiter().GetResult();
            Assert.True(convert.ExitCode == 0, convert.Error);
            Assert.Contains("peak working set", convert.Out, StringComparison.Ordinal);
        }

        public string Path => _dir.Combine("model");

        public void Dispose() => _dir.Dispose();
    }
}

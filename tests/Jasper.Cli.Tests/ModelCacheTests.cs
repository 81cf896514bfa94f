using System.Text.Json;
using System.Text.Json.Nodes;
using Jasper.Embeddings.Hub;
using Jasper.TestSupport;

namespace Jasper.Cli.Tests;

/// <summary>`jasper embed` without --model: the cache pulls the published repository on first use (from a hub on 127.0.0.1).</summary>
public sealed class ModelCacheTests
{
    [Fact]
    public async Task Embed_without_a_model_pulls_into_JASPER_HOME_once_then_reuses_it()
    {
        string checkpoint = TinyModels.Checkpoint;
        await using var hub = await FakeHub.StartAsync(checkpoint, ModelPuller.DefaultRepository);
        using var home = new TempDirectory();
        var environment = new Dictionary<string, string> { ["HF_ENDPOINT"] = hub.Endpoint.ToString(), ["JASPER_HOME"] = home.Path };

        var first = await CliRunner.RunProcessAsync("{\"id\": 1, \"text\": \"first use\"}\n", environment, "embed", "--input", "-", "--output", "-");
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Equal(128, JsonDocument.Parse(first.Out).RootElement.GetProperty("embedding").GetArrayLength());
        Assert.True(File.Exists(Path.Combine(new ModelCache(home.Path).PathFor(ModelPuller.DefaultRepository, Embeddings.Conversion.ModelPrecision.Fp32), "jasper-model.json")));

        int requests = hub.Requests.Count;
        var second = await CliRunner.RunProcessAsync("{\"id\": 2, \"text\": \"cached\"}\n", environment, "embed", "--input", "-", "--output", "-");
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Equal(requests, hub.Requests.Count);
    }

    [Fact]
    public async Task A_model_converted_for_an_older_graph_is_pulled_again()
    {
        await using var hub = await FakeHub.StartAsync(TinyModels.Checkpoint, ModelPuller.DefaultRepository);
        using var home = new TempDirectory();
        var environment = new Dictionary<string, string> { ["HF_ENDPOINT"] = hub.Endpoint.ToString(), ["JASPER_HOME"] = home.Path };
        var first = await CliRunner.RunProcessAsync("{\"id\": 1, \"text\": \"first use\"}\n", environment, "embed", "--input", "-", "--output", "-");
        Assert.True(first.ExitCode == 0, first.Error);

        // What an earlier jasper wrote: a graph with only the token ids and the pooling windows as inputs.
        string manifestPath = Path.Combine(new ModelCache(home.Path).PathFor(ModelPuller.DefaultRepository, Embeddings.Conversion.ModelPrecision.Fp32), "jasper-model.json");
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(manifestPath))!;
        manifest["graph"]!["inputs"] = new JsonArray("input_ids", "pool_start", "pool_end");
        await File.WriteAllTextAsync(manifestPath, manifest.ToJsonString());

        int requests = hub.Requests.Count;
        var second = await CliRunner.RunProcessAsync("{\"id\": 2, \"text\": \"after an upgrade\"}\n", environment, "embed", "--input", "-", "--output", "-");
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.True(hub.Requests.Count > requests, "the stale conversion was used instead of pulling again");
    }

    [Fact]
    public async Task An_unreachable_hub_is_a_clear_error()
    {
        using var home = new TempDirectory();
        var environment = new Dictionary<string, string> { ["HF_ENDPOINT"] = "http://127.0.0.1:9/", ["JASPER_HOME"] = home.Path };
        var result = await CliRunner.RunProcessAsync("{\"id\": 1, \"text\": \"x\"}\n", environment, "embed", "--input", "-", "--output", "-");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Cannot reach the Hugging Face hub at http://127.0.0.1:9/", result.Error, StringComparison.Ordinal);
    }
}

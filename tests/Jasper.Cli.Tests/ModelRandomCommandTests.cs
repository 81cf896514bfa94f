using System.Text.Json.Nodes;
using Jasper.Embeddings.Checkpoints;
using Jasper.Embeddings.Models;
using Jasper.TestSupport;

namespace Jasper.Cli.Tests;

public sealed class ModelRandomCommandTests
{
    [Fact]
    public async Task Any_shape_from_a_config_json_converts_and_embeds()
    {
        using var dir = new TempDirectory();
        var config = RandomCheckpointOptions.TinyConfig with { HiddenSize = 48, NumHiddenLayers = 3, NumAttentionHeads = 6, NumKeyValueHeads = 3, HeadDim = 16, IntermediateSize = 96, AttentionBias = true };
        File.WriteAllText(dir.Combine("config.json"), config.ToJson().ToJsonString());

        var random = await CliRunner.RunAsync("model", "random", "--config", dir.Combine("config.json"), "--dimensions", "40", "--tokenizer", RepoPaths.QwenTokenizer, "--output", dir.Combine("checkpoint"), "--dtype", "f16");
        Assert.True(random.ExitCode == 0, random.Error);
        var convert = await CliRunner.RunAsync("model", "convert", "--source", dir.Combine("checkpoint"), "--output", dir.Combine("model"), "--precision", "fp16");
        Assert.True(convert.ExitCode == 0, convert.Error);
        File.WriteAllText(dir.Combine("in.jsonl"), "{\"id\": 1, \"text\": \"any shape\"}\n");
        var embed = await CliRunner.RunAsync("embed", "--model", dir.Combine("model"), "--input", dir.Combine("in.jsonl"), "--output", dir.Combine("out.jsonl"));
        Assert.True(embed.ExitCode == 0, embed.Error);

        Assert.Equal(config with { TorchDtype = "float16" }, ModelDirectory.Open(dir.Combine("model")).Manifest.Architecture);
        Assert.Equal(40, JsonNode.Parse(File.ReadAllText(dir.Combine("out.jsonl")))!["embedding"]!.AsArray().Count);
    }

    [Fact]
    public async Task Preset_and_config_are_mutually_exclusive()
    {
        var result = await CliRunner.RunAsync("model", "random", "--tokenizer", RepoPaths.QwenTokenizer, "--output", "x");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("exactly one of --preset and --config", result.Error, StringComparison.Ordinal);
    }
}

using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Jasper.Embeddings.Checkpoints;
using Jasper.Embeddings.Numerics;
using Jasper.TestSupport;

namespace Jasper.Embeddings.Tests.Checkpoints;

public sealed class CheckpointTests
{
    [Fact]
    public void BFloat16_rounds_to_nearest_even()
    {
        float[] values = [1f, 1.00390625f, 1.01171875f, 3.14159f, -0f, float.PositiveInfinity];
        float[] expected = [1f, 1f, 1.015625f, 3.140625f, -0f, float.PositiveInfinity];
        var bytes = new byte[values.Length * 2];
        FloatConversion.FromFloat32(values, TensorDType.BFloat16, bytes);
        var back = new float[values.Length];
        FloatConversion.ToFloat32(bytes, TensorDType.BFloat16, back);
        Assert.Equal(expected, back);
        Assert.True(float.IsNaN(FloatConversion.BFloat16ToSingle(FloatConversion.SingleToBFloat16(float.NaN))));
    }

    [Theory]
    [InlineData(TensorDType.Float32)]
    [InlineData(TensorDType.Float16)]
    [InlineData(TensorDType.BFloat16)]
    public void Safetensors_round_trip_in_every_dtype(TensorDType dtype)
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("t.safetensors");
        // At most 8 significant bits: exact in bfloat16, float16 and float32.
        float[] values = Enumerable.Range(0, 3000).Select(i => ((i % 256) - 128) * MathF.Pow(2, -(i % 5))).ToArray();
        SafeTensorsWriter.Write(path, [new("w", [30, 100], (start, dest) => values.AsSpan((int)start, dest.Length).CopyTo(dest))], dtype);

        var info = Assert.Single(SafeTensorsFile.ReadHeader(path));
        Assert.Equal(dtype, info.DType);
        Assert.Equal([30L, 100L], info.Shape);
        var back = new float[values.Length];
        using var file = File.OpenRead(path);
        var raw = new byte[info.ByteLength];
        file.Seek(info.Offset, SeekOrigin.Begin);
        file.ReadExactly(raw);
        FloatConversion.ToFloat32(raw, dtype, back);
        Assert.Equal(values, back);
    }

    [Fact]
    public void The_generator_is_deterministic_and_the_seed_matters()
    {
        using var dir = new TempDirectory();
        var options = RandomCheckpointOptions.ForPreset("tiny", RepoPaths.QwenTokenizer);
        RandomCheckpoint.Write(options, dir.Combine("a"));
        RandomCheckpoint.Write(options, dir.Combine("b"));
        RandomCheckpoint.Write(options with { Seed = 7 }, dir.Combine("c"));
        Assert.Equal(Hash(dir.Combine("a", "model.safetensors")), Hash(dir.Combine("b", "model.safetensors")));
        Assert.NotEqual(Hash(dir.Combine("a", "model.safetensors")), Hash(dir.Combine("c", "model.safetensors")));
    }

    [Fact]
    public void A_sharded_checkpoint_holds_the_same_tensors_as_a_single_file()
    {
        using var dir = new TempDirectory();
        var options = RandomCheckpointOptions.ForPreset("tiny", RepoPaths.QwenTokenizer);
        RandomCheckpoint.Write(options, dir.Combine("single"));
        RandomCheckpoint.Write(options with { MaxShardBytes = 256 * 1024 }, dir.Combine("sharded"));

        Assert.True(File.Exists(dir.Combine("sharded", Checkpoint.IndexFileName)));
        Assert.True(Directory.GetFiles(dir.Combine("sharded"), "*.safetensors").Length > 2);
        var single = Checkpoint.Open(dir.Combine("single"));
        var sharded = Checkpoint.Open(dir.Combine("sharded"));
        Assert.Equal(single.TensorNames.Order(), sharded.TensorNames.Order());
        foreach (string name in new[] { JasperTensorNames.EmbedTokens, JasperTensorNames.Layer(1).Mlp.Down, JasperTensorNames.Linear1Bias })
        {
            Assert.Equal(single.ReadFloat32(name), sharded.ReadFloat32(name));
        }
    }

    [Fact]
    public void Names_without_the_model_prefix_are_accepted()
    {
        using var dir = new TempDirectory();
        WriteConfig(dir.Path, new JsonObject());
        SafeTensorsWriter.Write(dir.Combine("model.safetensors"), [new("embed_tokens.weight", [2, 2], (_, d) => d.Fill(1f))], TensorDType.Float32);
        var checkpoint = Checkpoint.Open(dir.Path);
        Assert.Equal([1f, 1f, 1f, 1f], checkpoint.ReadFloat32(JasperTensorNames.EmbedTokens, 2, 2));
    }

    [Fact]
    public void A_shape_that_disagrees_with_config_json_is_named()
    {
        using var dir = new TempDirectory();
        WriteConfig(dir.Path, new JsonObject());
        SafeTensorsWriter.Write(dir.Combine("model.safetensors"), [new(JasperTensorNames.FinalNorm, [3], (_, d) => d.Fill(1f))], TensorDType.Float32);
        var error = Assert.Throws<CheckpointFormatException>(() => Checkpoint.Open(dir.Path).ReadFloat32(JasperTensorNames.FinalNorm, 4));
        Assert.Contains(JasperTensorNames.FinalNorm, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_or_incomplete_checkpoints_fail_with_the_reason()
    {
        using var dir = new TempDirectory();
        Assert.Contains("config.json", Assert.Throws<CheckpointFormatException>(() => Checkpoint.Open(dir.Path)).Message, StringComparison.Ordinal);

        WriteConfig(dir.Path, new JsonObject());
        Assert.Contains("model.safetensors", Assert.Throws<CheckpointFormatException>(() => Checkpoint.Open(dir.Path)).Message, StringComparison.Ordinal);

        File.WriteAllBytes(dir.Combine("model.safetensors"), [1, 2, 3]);
        Assert.Contains("too short", Assert.Throws<CheckpointFormatException>(() => Checkpoint.Open(dir.Path)).Message, StringComparison.Ordinal);

        SafeTensorsWriter.Write(dir.Combine("model.safetensors"), [new("x", [1000], (_, d) => d.Fill(1f))], TensorDType.Float32);
        byte[] bytes = File.ReadAllBytes(dir.Combine("model.safetensors"));
        File.WriteAllBytes(dir.Combine("model.safetensors"), bytes[..^100]);
        Assert.Contains("inconsistent", Assert.Throws<CheckpointFormatException>(() => Checkpoint.Open(dir.Path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_architectures_are_refused()
    {
        using var dir = new TempDirectory();
        WriteConfig(dir.Path, new JsonObject { ["rope_scaling"] = new JsonObject { ["type"] = "yarn" } });
        Assert.Contains("rope_scaling", Assert.Throws<CheckpointFormatException>(() => ModelConfig.Load(dir.Combine("config.json"))).Message, StringComparison.Ordinal);
        WriteConfig(dir.Path, new JsonObject { ["use_sliding_window"] = true });
        Assert.Contains("sliding-window", Assert.Throws<CheckpointFormatException>(() => ModelConfig.Load(dir.Combine("config.json"))).Message, StringComparison.Ordinal);
        WriteConfig(dir.Path, new JsonObject { ["use_sliding_window"] = false, ["layer_types"] = new JsonArray("full_attention", "full_attention") });
        Assert.Equal(2, ModelConfig.Load(dir.Combine("config.json")).NumHiddenLayers);
        WriteConfig(dir.Path, new JsonObject { ["hidden_act"] = "gelu" });
        Assert.Contains("gelu", Assert.Throws<CheckpointFormatException>(() => ModelConfig.Load(dir.Combine("config.json"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_config_reads_an_explicit_head_dim()
    {
        var config = ModelConfig.FromJson(RandomCheckpointOptions.FullConfig.ToJson(), "test");
        Assert.Equal(RandomCheckpointOptions.FullConfig, config);
        Assert.Equal(128, config.HeadDim);
        Assert.NotEqual(config.HiddenSize / config.NumAttentionHeads, config.HeadDim);
    }

    private static void WriteConfig(string dir, JsonObject overrides)
    {
        var json = RandomCheckpointOptions.TinyConfig.ToJson();
        foreach (var (key, value) in overrides)
        {
            json[key] = value?.DeepClone();
        }

        File.WriteAllText(Path.Combine(dir, "config.json"), json.ToJsonString());
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}

using Jasper.Embeddings.Checkpoints;
using Jasper.Embeddings.Conversion;
using Jasper.Embeddings.Inference;
using Jasper.Embeddings.Models;
using Jasper.Embeddings.Numerics;
using Jasper.Embeddings.Onnx.Proto;
using Jasper.TestSupport;

namespace Jasper.Embeddings.Tests.Conversion;

[Collection(TinyModelGroup.Name)]
public sealed class ConversionTests
{
    [Fact]
    public void The_manifest_takes_every_dimension_from_the_checkpoint()
    {
        var manifest = ModelDirectory.Open(TinyModels.Fp32).Manifest;
        Assert.Equal(128, manifest.Dimensions);
        Assert.Equal(RandomCheckpointOptions.TinyConfig, manifest.Architecture);
        Assert.Equal(new CompressionManifest(80, 0.5), manifest.Compression);
        Assert.Equal(SentenceTransformersSettings.PublishedQueryPrompt, manifest.Prompts["query"]);
        Assert.Equal(1024, manifest.MaxTokens);
        Assert.Equal(["input_ids", "pool_start", "pool_end", "position_text", "position_index", "text_positions"], manifest.Graph.Inputs);
    }

    [Fact]
    public void The_manifest_records_the_attention_and_an_older_manifest_without_it_reads_as_explicit()
    {
        Assert.Equal(GraphAttention.Fused, ModelDirectory.Open(TinyModels.Fp16).Manifest.Graph.Attention);
        Assert.Equal(GraphAttention.Explicit, ModelDirectory.Open(TinyModels.Fp32).Manifest.Graph.Attention);
        Assert.Equal(["cpu", "directml"], ModelDirectory.Open(TinyModels.Fp32Fused).Manifest.Execution.Providers); // CUDA's kernel is float16 only

        using var directory = new TempDirectory();
        string json = File.ReadAllText(Path.Combine(TinyModels.Fp16, ModelManifest.FileName));
        Assert.Contains("\"attention\": \"fused\"", json, StringComparison.Ordinal);
        File.WriteAllText(directory.Combine(ModelManifest.FileName), json.Replace(",\n    \"attention\": \"fused\"", string.Empty, StringComparison.Ordinal));
        var older = ModelManifest.Load(directory.Combine(ModelManifest.FileName));
        Assert.Equal(GraphAttention.Explicit, older.Graph.Attention);
        Assert.True(older.Graph.PacksTexts);
    }

    [Fact]
    public void Nothing_about_the_ratio_is_baked_into_the_graph()
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(TinyModels.Fp32, "model.onnx")));
        Assert.Equal(["input_ids", "pool_start", "pool_end", "position_text", "position_index", "text_positions"], model.Graph.Input.Select(i => i.Name));
        Assert.All(model.Graph.Input, i => Assert.Equal("batch", i.Type.TensorType.Shape.Dim[0].DimParam));
        float[] floats = model.Graph.Initializer.SelectMany(t => t.FloatData).ToArray();
        long[] ints = model.Graph.Initializer.SelectMany(t => t.Int64Data).ToArray();
        Assert.DoesNotContain(0.5f, floats);
        Assert.DoesNotContain(80L, ints);
        Assert.All(model.Graph.Node, n => Assert.Equal(string.Empty, n.Domain)); // standard operators only
    }

    [Fact]
    public void Weights_live_in_page_aligned_external_data()
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(TinyModels.Fp32, "model.onnx")));
        var external = model.Graph.Initializer.Where(t => t.DataLocation == TensorProto.Types.DataLocation.External).ToList();
        Assert.Contains(external, t => t.Name == JasperTensorNames.EmbedTokens);
        Assert.All(external, t => Assert.Equal(0, long.Parse(t.ExternalData.Single(e => e.Key == "offset").Value, System.Globalization.CultureInfo.InvariantCulture) % 4096));
    }

    [Theory]
    [InlineData(TensorDType.BFloat16, 4)]
    [InlineData(TensorDType.Float32, null)]
    [InlineData(TensorDType.Float16, 8)]
    public async Task Sharded_and_other_dtype_checkpoints_convert_to_the_same_model(TensorDType dtype, int? shardMb)
    {
        using var dir = new TempDirectory();
        var options = RandomCheckpointOptions.ForPreset("tiny", RepoPaths.QwenTokenizer) with { DType = dtype, MaxShardBytes = shardMb * 1024L * 1024L };
        RandomCheckpoint.Write(options, dir.Combine("checkpoint"));
        ModelConverter.Convert(new ConvertOptions { SourceDirectory = dir.Combine("checkpoint"), OutputDirectory = dir.Combine("model") });

        using var converted = JasperEncoder.Load(dir.Combine("model"));
        using var reference = JasperEncoder.Load(TinyModels.Fp32);
        var inputs = Goldens.ModelCases.Take(12).Select(c => new EmbeddingInput(c.Text, 0.3333, c.PromptName)).ToList();
        var a = await converted.EmbedAsync(inputs);
        var b = await reference.EmbedAsync(inputs);

        // Same weights up to the precision they were stored in (BF16 in the reference checkpoint).
        double minimum = dtype == TensorDType.BFloat16 ? 0.99999 : 0.999;
        Assert.All(Enumerable.Range(0, inputs.Count), i => Assert.True(VectorMath.Cosine(a[i].Vector, b[i].Vector) >= minimum));
    }

    [Theory]
    [InlineData(ModelPrecision.Fp32)]
    [InlineData(ModelPrecision.Int8)]
    public void Progress_counts_each_checkpoint_tensor_once_whatever_it_is_stored_as(ModelPrecision precision)
    {
        using var output = new TempDirectory();
        var reports = new List<ConversionProgress>();
        ModelConverter.Convert(
            new ConvertOptions { SourceDirectory = TinyModels.Checkpoint, OutputDirectory = output.Path, Precision = precision },
            new SynchronousProgress<ConversionProgress>(reports.Add));

        int tensors = Checkpoint.Open(TinyModels.Checkpoint).TensorNames.Count();
        Assert.Equal(Enumerable.Range(1, tensors), reports.Select(r => r.Index));
        Assert.All(reports, r => Assert.Equal(tensors, r.Total));
        Assert.Equal(tensors, reports.Select(r => r.Tensor).Distinct().Count());
    }

    [Fact]
    public void An_unusable_source_fails_before_writing_a_model()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("empty"));
        Assert.Throws<CheckpointFormatException>(() => ModelConverter.Convert(new ConvertOptions { SourceDirectory = dir.Combine("empty"), OutputDirectory = dir.Combine("out") }));
        Assert.False(File.Exists(dir.Combine("out", ModelManifest.FileName)));
        Assert.Throws<FileNotFoundException>(() => ModelDirectory.Open(dir.Combine("empty")));
    }
}

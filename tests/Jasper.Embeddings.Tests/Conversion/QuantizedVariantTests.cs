using Jasper.Embeddings.Inference;
using Jasper.Embeddings.Numerics;
using Jasper.TestSupport;
using Xunit.Abstractions;

namespace Jasper.Embeddings.Tests.Conversion;

/// <summary>
/// The int8 and int4 variants against the independent PyTorch reference's embeddings (tests/fixtures/model-golden.json),
/// on the CPU provider, at every ratio the goldens cover.
/// </summary>
[Collection(TinyModelGroup.Name)]
public sealed class QuantizedVariantTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("int8", 0.99)]
    [InlineData("int4", 0.90)]
    public async Task Quantized_embeddings_stay_close_to_the_reference(string precision, double minimumCosine)
    {
        using var encoder = JasperEncoder.Load(precision == "int8" ? TinyModels.Int8 : TinyModels.Int4);
        Assert.Equal(precision, encoder.Model.Manifest.Precision);
        var cases = Goldens.ModelCases;
        double worst = double.MaxValue;
        foreach (double ratio in cases[0].Results.Select(r => r.Ratio))
        {
            var actual = await encoder.EmbedAsync(cases.Select(c => new EmbeddingInput(c.Text, ratio, c.PromptName)).ToList());
            for (int i = 0; i < cases.Count; i++)
            {
                var expected = cases[i].Results.Single(r => r.Ratio == ratio);
                Assert.Equal(expected.CompressedTokens, actual[i].CompressedTokens);
                Assert.All(actual[i].Vector, v => Assert.True(float.IsFinite(v)));
                worst = Math.Min(worst, VectorMath.Cosine(expected.Embedding, actual[i].Vector));
            }
        }

        output.WriteLine($"{precision} vs the PyTorch reference: worst cosine {worst:F6} over {cases.Count} texts × 5 ratios");
        Assert.True(worst >= minimumCosine, $"worst cosine {worst:F6} < {minimumCosine}");
    }

    [Fact]
    public void Quantized_weights_are_smaller_in_order()
    {
        long Size(string directory) => new FileInfo(Path.Combine(directory, "model.onnx.data")).Length;
        long fp32 = Size(TinyModels.Fp32);
        long int8 = Size(TinyModels.Int8);
        long int4 = Size(TinyModels.Int4);
        output.WriteLine($"weights: fp32 {fp32}, int8 {int8}, int4 {int4} bytes");
        Assert.InRange(int8, fp32 / 5, fp32 * 0.35);
        Assert.True(int4 < int8, $"int4 {int4} is not smaller than int8 {int8}");
    }

    [Fact]
    public void Quantized_manifests_declare_the_cpu_only()
    {
        using var encoder = JasperEncoder.Load(TinyModels.Int8);
        Assert.Equal(["cpu"], encoder.Model.Manifest.Execution.Providers);
    }
}

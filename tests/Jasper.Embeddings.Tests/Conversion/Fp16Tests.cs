using Jasper.Embeddings.Inference;
using Jasper.Embeddings.Numerics;
using Jasper.TestSupport;
using Xunit.Abstractions;

namespace Jasper.Embeddings.Tests.Conversion;

/// <summary>The fp16 variant against fp32, on the CPU provider.</summary>
[Collection(TinyModelGroup.Name)]
public sealed class Fp16Tests(ITestOutputHelper output)
{
    [Fact]
    public async Task Fp16_stays_within_cosine_0_999_of_fp32_with_no_nan_or_infinity_up_to_1024_tokens()
    {
        using var fp32 = JasperEncoder.Load(TinyModels.Fp32);
        using var fp16 = JasperEncoder.Load(TinyModels.Fp16);
        Assert.Equal("fp16", fp16.Model.Manifest.Precision);
        var cases = Goldens.ModelCases;
        Assert.Contains(cases, c => c.Ids.Length == 1024);
        foreach (double ratio in new[] { 1.0, 0.3333, 0.1 })
        {
            var inputs = cases.Select(c => new EmbeddingInput(c.Text, ratio, c.PromptName)).ToList();
            var reference = await fp32.EmbedAsync(inputs);
            var half = await fp16.EmbedAsync(inputs);
            double worst = double.MaxValue;
            for (int i = 0; i < cases.Count; i++)
            {
                Assert.All(half[i].Vector, v => Assert.True(float.IsFinite(v)));
                double cosine = VectorMath.Cosine(reference[i].Vector, half[i].Vector);
                Assert.True(cosine >= 0.999, $"case {i} ({cases[i].Ids.Length} tokens) at {ratio}: cosine {cosine}");
                worst = Math.Min(worst, cosine);
            }

            output.WriteLine($"fp16 vs fp32 at ratio {ratio}: worst cosine {worst:F8} over {cases.Count} texts, all values finite");
        }
    }

    [Fact]
    public void Fp16_stores_half_the_weight_bytes()
    {
        long fp32 = new FileInfo(Path.Combine(TinyModels.Fp32, "model.onnx.data")).Length;
        long fp16 = new FileInfo(Path.Combine(TinyModels.Fp16, "model.onnx.data")).Length;
        Assert.InRange(fp16, fp32 * 0.45, fp32 * 0.6);
    }
}

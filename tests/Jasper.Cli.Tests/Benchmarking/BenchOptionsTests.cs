using Jasper.Cli.Benchmarking;
using Jasper.Embeddings.Conversion;

namespace Jasper.Cli.Tests.Benchmarking;

public sealed class BenchOptionsTests
{
    [Theory]
    [InlineData("fp32", ModelPrecision.Fp32, GraphAttention.Explicit, "fp32")]
    [InlineData("fp16", ModelPrecision.Fp16, GraphAttention.Fused, "fp16")]
    [InlineData("fp16-explicit", ModelPrecision.Fp16, GraphAttention.Explicit, "fp16-explicit")]
    [InlineData("FP32-Fused", ModelPrecision.Fp32, GraphAttention.Fused, "fp32-fused")]
    [InlineData("int8-explicit", ModelPrecision.Int8, GraphAttention.Explicit, "int8")]
    public void A_variant_is_a_precision_with_its_default_attention_or_the_one_named(string text, ModelPrecision precision, GraphAttention attention, string label)
    {
        var variant = BenchVariant.Parse(text);
        Assert.Equal(new BenchVariant(precision, attention), variant);
        Assert.Equal(label, variant.Label);
    }

    [Theory]
    [InlineData("fp8")]
    [InlineData("fp16-flash")]
    public void An_unknown_variant_is_refused(string text) => Assert.Throws<ArgumentException>(() => BenchVariant.Parse(text));

    [Fact]
    public void The_MatMul_probe_measures_as_long_as_a_cell_and_at_most_one_and_a_half_seconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(1.5), new BenchOptions { WorkDirectory = "w" }.ProbeTime);
        Assert.Equal(TimeSpan.Zero, new BenchOptions { WorkDirectory = "w", CellTime = TimeSpan.Zero }.ProbeTime);
        Assert.Equal(TimeSpan.FromSeconds(1), new BenchOptions { WorkDirectory = "w", CellTime = TimeSpan.FromSeconds(1) }.ProbeTime);
    }
}

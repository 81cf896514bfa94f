using Jasper.Embeddings.Compression;

namespace Jasper.Embeddings.Tests.Compression;

/// <summary>Target lengths and pooling windows against the worked values of jasper-model.md and torch's definition.</summary>
public sealed class CompressionPlanTests
{
    [Theory]
    [InlineData(81, 0.5, 80)]
    [InlineData(100, 0.5, 90)]
    [InlineData(128, 0.5, 104)]
    [InlineData(512, 0.5, 296)]
    [InlineData(1000, 0.5, 540)]
    [InlineData(1024, 0.5, 552)]
    [InlineData(100, 0.3333, 86)]
    [InlineData(128, 0.3333, 95)]
    [InlineData(512, 0.3333, 223)]
    [InlineData(1024, 0.3333, 394)]
    [InlineData(128, 1.0 / 3.0, 96)]
    [InlineData(1024, 0.1, 174)]
    [InlineData(512, 0.2, 166)]
    public void Target_lengths_match_the_published_rule(int length, double ratio, int expected) =>
        Assert.Equal(expected, CompressionPlan.Create(length, ratio, 80).CompressedLength);

    [Fact]
    public void The_target_is_computed_in_double_precision()
    {
        // At 1,400 tokens and ratio 0.7, float32 gives 1,004 while Python's floats (double) give 1,003.
        float single = 80f + ((1400 - 80) * 0.7f);
        Assert.Equal(1004, (int)single);
        Assert.Equal(1003, CompressionPlan.TargetLength(1400, 0.7, 80));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(79)]
    [InlineData(80)]
    public void Texts_at_or_under_the_threshold_are_not_compressed(int length)
    {
        var plan = CompressionPlan.Create(length, 0.1, 80);
        Assert.True(plan.IsIdentity);
        Assert.All(Enumerable.Range(0, length), i => Assert.Equal((i, i + 1), plan.Window(i)));
    }

    [Theory]
    [InlineData(81)]
    [InlineData(1024)]
    [InlineData(4000)]
    public void Ratio_one_is_the_identity(int length)
    {
        var plan = CompressionPlan.Create(length, 1.0, 80);
        Assert.True(plan.IsIdentity);
        Assert.Equal((length - 1, length), plan.Window(length - 1));
    }

    [Fact]
    public void Windows_overlap_when_the_target_does_not_divide_the_length()
    {
        var plan = CompressionPlan.Create(5, 0.5, 2); // T = int(2 + 3 * 0.5) = 3
        Assert.Equal(3, plan.CompressedLength);
        Assert.Equal([(0, 2), (1, 4), (3, 5)], Enumerable.Range(0, 3).Select(plan.Window));
    }

    [Fact]
    public void Eighty_one_tokens_at_half_ratio_average_sliding_pairs()
    {
        var plan = CompressionPlan.Create(81, 0.5, 80);
        Assert.Equal(80, plan.CompressedLength);
        Assert.All(Enumerable.Range(0, 80), i => Assert.Equal((i, i + 2), plan.Window(i)));
    }

    [Fact]
    public void Windows_equal_torch_adaptive_pooling_bounds_for_every_length_and_ratio()
    {
        foreach (int length in Enumerable.Range(81, 1024 - 80))
        {
            foreach (double ratio in new[] { 0.5, 0.3333, 0.2, 0.1, 0.77 })
            {
                var plan = CompressionPlan.Create(length, ratio, 80);
                int t = plan.CompressedLength;
                for (int i = 0; i < t; i++)
                {
                    // torch: start = floor(i * L / T), end = ceil((i + 1) * L / T), in floating point.
                    int start = (int)Math.Floor((double)i * length / t);
                    int end = (int)Math.Ceiling((double)(i + 1) * length / t);
                    Assert.Equal((start, end), plan.Window(i));
                }
            }
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void Ratios_outside_the_range_are_rejected(double ratio) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CompressionPlan.Create(100, ratio, 80));
}

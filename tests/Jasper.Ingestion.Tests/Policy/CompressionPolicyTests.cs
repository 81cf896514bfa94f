using System.Globalization;
using Jasper.Embeddings.Compression;
using Jasper.Ingestion.Policy;

namespace Jasper.Ingestion.Tests.Policy;

/// <summary>The whole decision table of the compression policy.</summary>
public sealed class CompressionPolicyTests
{
    private readonly CompressionPolicy _policy = new(new CompressionPolicyOptions(), threshold: 80);

    [Theory]
    // chunk tokens, document tokens, priority, override, expected ratio
    [InlineData(512, 5_000, IngestPriority.High, null, 0.5)]
    [InlineData(512, 5_000, IngestPriority.Normal, null, 0.33)]
    [InlineData(512, 5_000, IngestPriority.Low, null, 0.2)]
    [InlineData(512, 500_000, IngestPriority.High, null, 0.33)]
    [InlineData(512, 500_000, IngestPriority.Normal, null, 0.2)]
    [InlineData(512, 500_000, IngestPriority.Low, null, 0.1)]
    [InlineData(512, 200_000, IngestPriority.Normal, null, 0.33)]
    [InlineData(512, 200_001, IngestPriority.Normal, null, 0.2)]
    [InlineData(80, 5_000, IngestPriority.Low, null, 1.0)]
    [InlineData(80, 500_000, IngestPriority.Low, 0.1, 1.0)]
    [InlineData(81, 5_000, IngestPriority.Low, null, 0.2)]
    [InlineData(1, 1, IngestPriority.High, null, 1.0)]
    [InlineData(512, 5_000, IngestPriority.Low, 0.8, 0.8)]
    [InlineData(512, 500_000, IngestPriority.High, 0.1, 0.1)]
    [InlineData(512, 5_000, IngestPriority.Normal, 1.0, 1.0)]
    public void Decides_from_length_document_size_priority_and_override(int chunk, long document, IngestPriority priority, double? explicitRatio, double expected) =>
        Assert.Equal(expected, _policy.Decide(chunk, document, priority, explicitRatio).Ratio);

    [Fact]
    public void Never_goes_below_the_minimum()
    {
        var lowFloor = new CompressionPolicy(new CompressionPolicyOptions { Low = 0.1, Minimum = 0.1 }, 80);
        Assert.Equal(0.1, lowFloor.Decide(512, 10_000_000, IngestPriority.Low).Ratio);
        Assert.Throws<ArgumentOutOfRangeException>(() => _policy.Decide(512, 100, IngestPriority.Normal, 0.05));
        Assert.Throws<ArgumentOutOfRangeException>(() => _policy.Decide(512, 100, IngestPriority.Normal, 1.5));
        Assert.Throws<ArgumentException>(() => new CompressionPolicy(new CompressionPolicyOptions { Low = 0.05 }, 80));
    }

    [Fact]
    public void The_policy_floor_lies_inside_the_range_the_model_can_compress()
    {
        var options = new CompressionPolicyOptions { Minimum = CompressionSettings.MinimumRatio / 2, Low = 0.2 };
        Assert.Contains(CompressionSettings.MinimumRatio.ToString(CultureInfo.InvariantCulture), Assert.Throws<ArgumentException>(() => new CompressionPolicy(options, 80)).Message, StringComparison.Ordinal);

        var defaults = new CompressionPolicyOptions();
        Assert.True(defaults.AllowsExplicit(0.1) && defaults.AllowsExplicit(1.0));
        Assert.False(defaults.AllowsExplicit(0.09) || defaults.AllowsExplicit(1.01) || defaults.AllowsExplicit(double.NaN));
        Assert.Equal("between 0.1 and 1", defaults.ExplicitRange);
    }

    [Fact]
    public void The_reason_says_why()
    {
        Assert.Contains("threshold", _policy.Decide(50, 100, IngestPriority.High).Reason, StringComparison.Ordinal);
        Assert.Contains("one step down", _policy.Decide(500, 1_000_000, IngestPriority.High).Reason, StringComparison.Ordinal);
        Assert.Equal("explicit ratio", _policy.Decide(500, 100, IngestPriority.High, 0.7).Reason);
    }

    [Theory]
    [InlineData("HIGH", IngestPriority.High)]
    [InlineData(" low ", IngestPriority.Low)]
    [InlineData("normal", IngestPriority.Normal)]
    public void Priorities_parse_from_text(string text, IngestPriority expected) => Assert.Equal(expected, IngestPriorities.Parse(text));
}

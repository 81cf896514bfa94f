using System.Globalization;

namespace Jasper.Ingestion.Policy;

/// <summary>
/// The ratios the compression policy chooses from. The defaults follow the published quality/speed table
/// (English MTEB mean; ms per 512-token text at batch 32): 0.5 scores 74.75 at 7.39 ms, 0.33 scores 74.70 at
/// 5.41 ms, 0.2 scores 74.58 at 4.00 ms, 0.1 scores 74.21 at 3.18 ms, against 70.70 at 12.20 ms for the
/// uncompressed Qwen3-Embedding-0.6B. So high priority gets the best-scoring ratio, normal gives up 0.05 points
/// for 27% less time, low 0.17 points for 46% less, and the floor of 0.1 is the cheapest published setting.
/// </summary>
public sealed class CompressionPolicyOptions
{
    /// <summary>Ratio for <see cref="IngestPriority.High"/>.</summary>
    public double High { get; set; } = 0.5;

    /// <summary>Ratio for <see cref="IngestPriority.Normal"/>.</summary>
    public double Normal { get; set; } = 0.33;

    /// <summary>Ratio for <see cref="IngestPriority.Low"/>.</summary>
    public double Low { get; set; } = 0.2;

    /// <summary>No chunk is compressed harder than this, whatever else applies.</summary>
    public double Minimum { get; set; } = 0.1;

    /// <summary>Documents with more tokens than this drop one step (high → normal → low → minimum) to keep cost bounded.</summary>
    public long LargeDocumentTokens { get; set; } = 200_000;

    /// <summary>The ratio of <paramref name="priority"/>.</summary>
    public double RatioFor(IngestPriority priority) => priority switch
    {
        IngestPriority.High => High,
        IngestPriority.Low => Low,
        _ => Normal,
    };

    /// <summary>
    /// Whether a caller may ask for <paramref name="ratio"/> explicitly (an API request, blob metadata, a CLI option):
    /// it must lie between <see cref="Minimum"/> and 1. Every entry point asks here, so all of them accept the same range.
    /// </summary>
    public bool AllowsExplicit(double ratio) => double.IsFinite(ratio) && ratio >= Minimum && ratio <= 1.0;

    /// <summary>The range <see cref="AllowsExplicit"/> accepts, for error messages: "between 0.1 and 1".</summary>
    public string ExplicitRange => string.Create(CultureInfo.InvariantCulture, $"between {Minimum} and 1");
}

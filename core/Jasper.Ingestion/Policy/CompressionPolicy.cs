using System.Globalization;
using Jasper.Embeddings.Compression;

namespace Jasper.Ingestion.Policy;

/// <summary>
/// Decides each chunk's compression ratio from its length, its document's total length and the document's
/// priority, unless an explicit ratio overrides it. Chunks at or under the model's threshold are not compressed
/// (the model would not compress them anyway, so their records say 1.0).
/// </summary>
public sealed class CompressionPolicy
{
    private readonly CompressionPolicyOptions _options;
    private readonly int _threshold;
    private readonly double[] _steps;

    /// <summary>Creates the policy for a model whose compression threshold is <paramref name="threshold"/>.</summary>
    public CompressionPolicy(CompressionPolicyOptions options, int threshold)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!CompressionSettings.IsValid(options.Minimum) || new[] { options.High, options.Normal, options.Low }.Any(r => r < options.Minimum || r > 1))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Compression ratios must lie between the minimum and 1, and the minimum between {CompressionSettings.MinimumRatio} and 1."),
                nameof(options));
        }

        _options = options;
        _threshold = threshold;
        _steps = new[] { options.High, options.Normal, options.Low, options.Minimum }.Distinct().OrderDescending().ToArray();
    }

    /// <summary>The ratio for one chunk of a document.</summary>
    public CompressionDecision Decide(int chunkTokens, long documentTokens, IngestPriority priority, double? overrideRatio = null) =>
        Decide(chunkTokens, DocumentRatio(documentTokens, priority, overrideRatio));

    /// <summary>
    /// The ratio a document's chunks get: the explicit one when given, else its priority's, one step lower for a
    /// large document. <see cref="Decide(int, CompressionDecision)"/> then spares the short chunks.
    /// </summary>
    public CompressionDecision DocumentRatio(long documentTokens, IngestPriority priority, double? overrideRatio = null)
    {
        if (overrideRatio is double explicitRatio)
        {
            return _options.AllowsExplicit(explicitRatio)
                ? new(explicitRatio, "explicit ratio")
                : throw new ArgumentOutOfRangeException(nameof(overrideRatio), explicitRatio, $"An explicit compression ratio must be {_options.ExplicitRange}.");
        }

        double ratio = _options.RatioFor(priority);
        if (documentTokens > _options.LargeDocumentTokens)
        {
            int step = Array.IndexOf(_steps, ratio);
            double lower = _steps[Math.Min(step + 1, _steps.Length - 1)];
            return new(lower, $"{priority.ToName()} priority, one step down for a document of {documentTokens} tokens");
        }

        return new(ratio, $"{priority.ToName()} priority");
    }

    /// <summary>A chunk's ratio given its document's: chunks at or under the threshold are not compressed.</summary>
    public CompressionDecision Decide(int chunkTokens, CompressionDecision documentRatio)
    {
        ArgumentNullException.ThrowIfNull(documentRatio);
        return chunkTokens <= _threshold
            ? new(1.0, $"{chunkTokens} tokens is at or under the threshold of {_threshold}: not compressed")
            : documentRatio;
    }
}

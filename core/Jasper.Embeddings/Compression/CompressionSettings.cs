namespace Jasper.Embeddings.Compression;

/// <summary>
/// The model's compression constants. The published code hard-codes a threshold of 80 tokens and a default ratio
/// of 0.5; both come from the model manifest here.
/// </summary>
/// <param name="Threshold">Texts of at most this many tokens are never compressed.</param>
/// <param name="DefaultRatio">Ratio used when a caller states none.</param>
public sealed record CompressionSettings(int Threshold = CompressionSettings.PublishedThreshold, double DefaultRatio = CompressionSettings.PublishedDefaultRatio)
{
    /// <summary>The published threshold.</summary>
    public const int PublishedThreshold = 80;

    /// <summary>The published default ratio.</summary>
    public const double PublishedDefaultRatio = 0.5;

    /// <summary>The smallest ratio accepted; below it the pooling windows would exceed the trained range.</summary>
    public const double MinimumRatio = 0.01;

    /// <summary>Whether the model can compress at <paramref name="ratio"/>: between <see cref="MinimumRatio"/> and 1.</summary>
    public static bool IsValid(double ratio) => double.IsFinite(ratio) && ratio >= MinimumRatio && ratio <= 1.0;

    /// <summary>Checks that a ratio is usable, naming it otherwise.</summary>
    public static double Validate(double ratio) =>
        IsValid(ratio)
            ? ratio
            : throw new ArgumentOutOfRangeException(nameof(ratio), ratio, $"A compression ratio must be between {MinimumRatio} and 1.0.");
}

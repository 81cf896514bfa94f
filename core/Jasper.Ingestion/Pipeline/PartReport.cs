namespace Jasper.Ingestion.Pipeline;

/// <summary>What embedding one part of a document produced.</summary>
/// <param name="Chunks">Records written.</param>
/// <param name="Tokens">Tokens the model read.</param>
/// <param name="CompressedTokens">Positions after compression.</param>
/// <param name="RatioSum">Sum of the chunks' ratios (for means).</param>
public sealed record PartReport(int Chunks, long Tokens, long CompressedTokens, double RatioSum)
{
    /// <summary>Nothing yet.</summary>
    public static PartReport Empty { get; } = new(0, 0, 0, 0);

    /// <summary>The totals of two reports.</summary>
    public PartReport Add(PartReport other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Chunks + other.Chunks, Tokens + other.Tokens, CompressedTokens + other.CompressedTokens, RatioSum + other.RatioSum);
    }
}

namespace Jasper.Embeddings.Inference;

/// <summary>The embedding of one text and what it cost.</summary>
/// <param name="Vector">The L2-normalised vector.</param>
/// <param name="Tokens">Tokens fed to the model (prompt and special tokens included, after any truncation).</param>
/// <param name="CompressedTokens">Positions the transformer layers saw after compression.</param>
/// <param name="CompressionRatio">The ratio applied.</param>
/// <param name="Truncated">Whether the text was cut to the token limit.</param>
public sealed record TextEmbedding(float[] Vector, int Tokens, int CompressedTokens, double CompressionRatio, bool Truncated)
{
    /// <summary>L2 norm of the model's output before normalisation (<c>Vector * Norm</c> is the raw output).</summary>
    public float Norm { get; init; } = 1f;
}

namespace Jasper.Embeddings.Inference;

/// <summary>How much of one call to <see cref="JasperEncoder.EmbedAsync(IReadOnlyList{PreparedText}, IProgress{EmbeddingProgress}?, CancellationToken)"/> is done, reported after each inference.</summary>
/// <param name="Texts">Texts of the call embedded so far.</param>
/// <param name="Tokens">Their tokens, as <see cref="TextEmbedding.Tokens"/> counts them.</param>
/// <param name="CompressedTokens">Their positions after compression, as <see cref="TextEmbedding.CompressedTokens"/> counts them.</param>
public readonly record struct EmbeddingProgress(int Texts, long Tokens, long CompressedTokens);

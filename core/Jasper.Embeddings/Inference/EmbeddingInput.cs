namespace Jasper.Embeddings.Inference;

/// <summary>One text to embed, with its own compression ratio and prompt.</summary>
/// <param name="Text">The text.</param>
/// <param name="CompressionRatio">Ratio in [0.01, 1]; null for the encoder's default.</param>
/// <param name="PromptName">A prompt of the model (<c>query</c>, <c>document</c>); null for the encoder's default.</param>
/// <param name="Truncate">Whether a text past the maximum keeps its first tokens instead of failing; null for the encoder's setting.</param>
public readonly record struct EmbeddingInput(string Text, double? CompressionRatio = null, string? PromptName = null, bool? Truncate = null);

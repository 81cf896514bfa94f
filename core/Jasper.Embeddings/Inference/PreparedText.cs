using Jasper.Embeddings.Compression;
using Jasper.Embeddings.Tokenization;

namespace Jasper.Embeddings.Inference;

/// <summary>A text ready for the model: its tokens and its compression plan.</summary>
/// <param name="Tokens">Token ids, prompt and special tokens included.</param>
/// <param name="Plan">How its tokens are pooled.</param>
public sealed record PreparedText(TokenizedText Tokens, CompressionPlan Plan);

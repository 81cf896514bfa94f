namespace Jasper.Embeddings.Tokenization;

/// <summary>The ids of one text as the model sees them.</summary>
/// <param name="Ids">Token ids, post-processor ids included.</param>
/// <param name="OriginalLength">Tokens before any truncation.</param>
/// <param name="Truncated">Whether ids were dropped to fit the limit.</param>
public sealed record TokenizedText(int[] Ids, int OriginalLength, bool Truncated);

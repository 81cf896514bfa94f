using Jasper.Embeddings.Inference;

namespace Jasper.Cli.Commands;

/// <summary>What <c>jasper embed</c> has embedded or written so far.</summary>
/// <param name="Texts">Lines embedded.</param>
/// <param name="Tokens">Their tokens, special tokens included.</param>
/// <param name="CompressedTokens">Their positions after compression.</param>
internal readonly record struct EmbeddedTotals(long Texts, long Tokens, long CompressedTokens)
{
    /// <summary>These totals with <paramref name="results"/> counted too.</summary>
    public EmbeddedTotals Add(IReadOnlyList<TextEmbedding> results) =>
        new(Texts + results.Count, Tokens + results.Sum(r => (long)r.Tokens), CompressedTokens + results.Sum(r => (long)r.CompressedTokens));

    /// <summary>These totals with the part of an encoder call that is <paramref name="done"/> counted too.</summary>
    public EmbeddedTotals Add(EmbeddingProgress done) => new(Texts + done.Texts, Tokens + done.Tokens, CompressedTokens + done.CompressedTokens);
}

using Jasper.Embeddings.Inference;

namespace Jasper.Serving.Batching;

/// <summary>The encoder as the batcher's <see cref="ITextEmbedder"/>.</summary>
internal sealed class EncoderEmbedder(JasperEncoder encoder) : ITextEmbedder
{
    public int BatchTokenBudget => encoder.BatchTokenBudget;

    public Task<IReadOnlyList<TextEmbedding>> EmbedAsync(IReadOnlyList<PreparedText> texts, CancellationToken cancellationToken) =>
        encoder.EmbedAsync(texts, cancellationToken);
}

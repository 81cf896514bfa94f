using Jasper.Embeddings.Inference;

namespace Jasper.Serving.Batching;

/// <summary>What the batcher runs its batches on: the encoder (<see cref="EncoderEmbedder"/>), or a stand-in that tests control.</summary>
internal interface ITextEmbedder
{
    /// <summary>Embeds prepared texts, one result per text in order.</summary>
    Task<IReadOnlyList<TextEmbedding>> EmbedAsync(IReadOnlyList<PreparedText> texts, CancellationToken cancellationToken);
}

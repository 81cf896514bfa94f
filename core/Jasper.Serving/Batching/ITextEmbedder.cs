using Jasper.Embeddings.Inference;

namespace Jasper.Serving.Batching;

/// <summary>What the batcher runs its batches on: the encoder (<see cref="EncoderEmbedder"/>), or a stand-in that tests control.</summary>
internal interface ITextEmbedder
{
    /// <summary>Most tokens the embedder runs in one inference now: what a batch gathers unless the options cap it.</summary>
    int BatchTokenBudget { get; }

    /// <summary>Embeds prepared texts, one result per text in order.</summary>
    Task<IReadOnlyList<TextEmbedding>> EmbedAsync(IReadOnlyList<PreparedText> texts, CancellationToken cancellationToken);
}

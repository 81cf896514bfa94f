using Jasper.Embeddings.Inference;
using Jasper.Embeddings.Numerics;
using Jasper.Embeddings.Tests.Conversion;
using Jasper.TestSupport;
using Microsoft.Extensions.AI;

namespace Jasper.Embeddings.Tests.Inference;

/// <summary>
/// A disposed encoder refuses work with <see cref="ObjectDisposedException"/>, and a call made before it was disposed
/// finishes: ONNX Runtime's session is native, and a run on a disposed one reads freed memory and ends the process.
/// </summary>
[Collection(TinyModelGroup.Name)]
public sealed class EncoderLifetimeTests
{
    [Fact]
    public async Task A_disposed_encoder_refuses_to_embed_instead_of_ending_the_process()
    {
        var encoder = JasperEncoder.Load(TinyModels.Fp32);
        var prepared = encoder.Prepare(new EmbeddingInput("A text to embed.", 1.0));
        encoder.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => encoder.EmbedAsync([prepared]));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => encoder.EmbedAsync([new EmbeddingInput("Another text.", 1.0)]));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => ((IEmbeddingGenerator<string, Embedding<float>>)encoder).GenerateAsync(["A third."]));
        encoder.Dispose(); // twice is allowed
    }

    [Fact]
    public async Task A_call_made_before_disposal_finishes_with_the_vectors_it_would_have_had()
    {
        using var reference = JasperEncoder.Load(TinyModels.Fp32);
        var inputs = Goldens.ModelCases.Select(c => new EmbeddingInput(c.Text, 0.5, c.PromptName)).ToList();
        var expected = await reference.EmbedAsync(inputs);
        var encoder = JasperEncoder.Load(TinyModels.Fp32, new JasperEncoderOptions { BatchTokenBudget = 256 }); // many inferences

        var embedding = encoder.EmbedAsync(inputs);
        encoder.Dispose();
        var results = await embedding;

        Assert.Equal(inputs.Count, results.Count);
        for (int i = 0; i < inputs.Count; i++)
        {
            Assert.True(VectorMath.Cosine(expected[i].Vector, results[i].Vector) >= 0.99999, $"input {i}");
        }

        await Assert.ThrowsAsync<ObjectDisposedException>(() => encoder.EmbedAsync(inputs));
    }
}

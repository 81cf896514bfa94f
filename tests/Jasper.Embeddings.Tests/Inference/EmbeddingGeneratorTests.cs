using Jasper.Embeddings.Inference;
using Jasper.Embeddings.Numerics;
using Jasper.Embeddings.Tests.Conversion;
using Jasper.TestSupport;
using Microsoft.Extensions.AI;

namespace Jasper.Embeddings.Tests.Inference;

[Collection(TinyModelGroup.Name)]
public sealed class EmbeddingGeneratorTests
{
    [Fact]
    public async Task The_generator_interface_passes_ratio_and_prompt_and_reports_usage()
    {
        using var encoder = JasperEncoder.Load(TinyModels.Fp32);
        IEmbeddingGenerator<string, Embedding<float>> generator = encoder;
        var golden = Goldens.ModelCases.Where(c => c.PromptName == "query").ToList();
        var options = new EmbeddingGenerationOptions
        {
            AdditionalProperties = new() { [JasperEncoder.CompressionRatioProperty] = 0.2, [JasperEncoder.PromptNameProperty] = "query" },
        };

        var generated = await generator.GenerateAsync(golden.Select(c => c.Text), options);

        Assert.Equal(golden.Count, generated.Count);
        for (int i = 0; i < golden.Count; i++)
        {
            var expected = golden[i].Results.Single(r => r.Ratio == 0.2);
            Assert.True(VectorMath.Cosine(expected.Embedding, generated[i].Vector.Span) >= 0.9999);
            Assert.Equal(expected.CompressedTokens, generated[i].AdditionalProperties!["compressed_tokens"]);
        }

        Assert.Equal(golden.Sum(c => c.Ids.Length), generated.Usage!.InputTokenCount);
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        Assert.Equal(encoder.Dimensions, metadata!.DefaultModelDimensions);
    }

    [Fact]
    public async Task Dimensions_truncate_and_renormalise()
    {
        using var encoder = JasperEncoder.Load(TinyModels.Fp32);
        var full = (await encoder.EmbedAsync([new EmbeddingInput("truncate me")]))[0].Vector;
        var generated = await encoder.GenerateAsync(["truncate me"], new EmbeddingGenerationOptions { Dimensions = 32 });
        var vector = generated[0].Vector.ToArray();
        Assert.Equal(32, vector.Length);
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => (double)v * v)), 5);
        Assert.True(VectorMath.Cosine(full.AsSpan(0, 32), vector) > 0.99999);
    }

    [Fact]
    public async Task Bad_inputs_fail_before_any_work_with_clear_errors()
    {
        using var encoder = JasperEncoder.Load(TinyModels.Fp32);
        Assert.Contains("empty", (await Assert.ThrowsAsync<ArgumentException>(() => encoder.EmbedAsync([new EmbeddingInput("ok"), new EmbeddingInput("")]))).Message, StringComparison.Ordinal);
        Assert.Contains("no prompt named 'passage'", (await Assert.ThrowsAsync<ArgumentException>(() => encoder.EmbedAsync([new EmbeddingInput("x", PromptName: "passage")]))).Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => encoder.EmbedAsync([new EmbeddingInput("x", 1.5)]));
        string huge = string.Join(' ', Enumerable.Repeat("word", 2000));
        await Assert.ThrowsAsync<Jasper.Embeddings.Tokenization.TokenLimitExceededException>(() => encoder.EmbedAsync([new EmbeddingInput(huge)]));
    }

    [Fact]
    public async Task Truncation_when_asked_keeps_the_first_max_tokens()
    {
        using var encoder = JasperEncoder.Load(TinyModels.Fp32, new JasperEncoderOptions { Truncate = true, MaxTokens = 100 });
        string text = string.Join(' ', Enumerable.Repeat("word", 500));
        var result = (await encoder.EmbedAsync([new EmbeddingInput(text, 1.0)]))[0];
        Assert.True(result.Truncated);
        Assert.Equal(100, result.Tokens);
    }

    [Fact]
    public async Task Cancellation_stops_the_work()
    {
        using var encoder = JasperEncoder.Load(TinyModels.Fp32);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => encoder.EmbedAsync([new EmbeddingInput("x")], cancelled.Token));
    }

    [Fact]
    public async Task Cancelling_during_a_run_is_a_cancellation_not_an_onnx_runtime_error()
    {
        // The encoder logs each batch just before it enters ONNX Runtime; cancelling there sets the run's terminate
        // flag, so ONNX Runtime itself stops the run (it throws its own exception, which must become a cancellation).
        using var cancel = new CancellationTokenSource();
        var log = new CancelOnLogMessage(cancel, "Inference:");
        using var encoder = JasperEncoder.Load(TinyModels.Fp32, loggerFactory: log);

        var error = await Record.ExceptionAsync(() => encoder.EmbedAsync([new EmbeddingInput("a text to embed")], cancel.Token));

        Assert.Equal(1, log.Seen); // cancelled inside the run, not before it
        var cancelled = Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.Equal(cancel.Token, cancelled.CancellationToken);
        Assert.Single(await encoder.EmbedAsync([new EmbeddingInput("a text to embed")])); // the encoder still works
    }
}

using System.Security.Cryptography;
using Jasper.Embeddings.Inference;
using Jasper.Embeddings.Numerics;
using Jasper.TestSupport;
using Xunit.Abstractions;

namespace Jasper.Embeddings.Tests.Conversion;

/// <summary>
/// The converted graph against the independent PyTorch reference (tests/reference/jasper_reference.py), whose
/// outputs on the tiny random BF16 checkpoint are committed in tests/fixtures/model-golden.json.
/// </summary>
[Collection(TinyModelGroup.Name)]
public sealed class ReferenceParityTests(ITestOutputHelper output)
{
    private const double MinimumCosine = 0.9999;

    [Fact]
    public void The_checkpoint_is_the_one_the_reference_ran_on()
    {
        foreach (var (file, expected) in Goldens.ModelWeightHashes)
        {
            string actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(TinyModels.Checkpoint, file))));
            Assert.True(expected == actual, $"{file}: the generator no longer writes the golden's checkpoint; regenerate with tests/reference/generate-goldens.sh");
        }
    }

    [Fact]
    public void The_goldens_cover_the_compression_range()
    {
        var cases = Goldens.ModelCases;
        Assert.True(cases.Count >= 30);
        Assert.True(cases.Count(c => c.Ids.Length is > 80 and <= 1024) >= 20);
        Assert.Contains(cases, c => c.Ids.Length == 80);
        Assert.Contains(cases, c => c.Ids.Length == 81);
        Assert.Contains(cases, c => c.Ids.Length == 1024);
        Assert.Contains(cases, c => c.PromptName == "query");
        Assert.All(cases, c => Assert.Equal([1.0, 0.5, 0.3333, 0.2, 0.1], c.Results.Select(r => r.Ratio)));
    }

    // Each converted graph against the reference: fp32 at 0.9999 in both attentions, and the fused fp16 graph (the GPU
    // graph, run here on the CPU provider) at fp16's 0.999.
    public static TheoryData<string, double> Graphs => new()
    {
        { "fp32", MinimumCosine },
        { "fp32-fused", MinimumCosine },
        { "fp16", 0.999 },
    };

    [Theory]
    [MemberData(nameof(Graphs))]
    public async Task Every_text_at_every_ratio_matches_the_reference_in_a_batch_and_alone(string graph, double minimumCosine)
    {
        using var encoder = JasperEncoder.Load(TinyModels.Model(graph));
        var cases = Goldens.ModelCases;
        var failures = new List<string>();
        var worst = double.MaxValue;
        foreach (double ratio in cases[0].Results.Select(r => r.Ratio))
        {
            double worstAtRatio = double.MaxValue;
            var inputs = cases.Select(c => new EmbeddingInput(c.Text, ratio, c.PromptName)).ToList();
            var batched = await encoder.EmbedAsync(inputs);
            var alone = new List<TextEmbedding>();
            foreach (var input in inputs)
            {
                alone.Add((await encoder.EmbedAsync([input]))[0]);
            }

            foreach (var (actual, how) in new[] { (batched, "batched"), (alone, "alone") })
            {
                for (int i = 0; i < cases.Count; i++)
                {
                    var expected = cases[i].Results.Single(r => r.Ratio == ratio);
                    double cosine = VectorMath.Cosine(expected.Embedding, actual[i].Vector);
                    worst = Math.Min(worst, cosine);
                    worstAtRatio = Math.Min(worstAtRatio, cosine);
                    if (actual[i].Tokens != cases[i].Ids.Length || actual[i].CompressedTokens != expected.CompressedTokens || !(cosine >= minimumCosine))
                    {
                        failures.Add($"case {i} ({cases[i].Ids.Length} tokens) at {ratio}, {how}: tokens {actual[i].Tokens}, compressed {actual[i].CompressedTokens} (reference {expected.CompressedTokens}), cosine {cosine:F7}");
                    }
                }
            }

            output.WriteLine($"{graph}, ratio {ratio}: {cases.Count} texts in a batch and alone, identical compressed lengths, worst cosine {worstAtRatio:F8}");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(worst >= minimumCosine, $"worst cosine {worst}");
    }

    [Fact]
    public void The_reference_outputs_are_discriminative_enough_for_the_parity_threshold_to_mean_something()
    {
        // If the random model mapped every text to nearly the same vector, 0.9999 would prove little.
        var vectors = Goldens.ModelCases.Select(c => c.Results.Single(r => r.Ratio == 0.5).Embedding).ToList();
        double closest = vectors.SelectMany((a, i) => vectors.Skip(i + 1).Select(b => (double)VectorMath.Cosine(a, b))).Max();
        Assert.True(closest < 0.99, $"two different texts have cosine {closest}");

        var long1024 = Goldens.ModelCases.Single(c => c.Ids.Length == 1024);
        double acrossRatios = VectorMath.Cosine(long1024.Results[0].Embedding, long1024.Results[^1].Embedding);
        Assert.True(acrossRatios < 0.999, $"ratio 1.0 and 0.1 give cosine {acrossRatios}");
    }
}

[CollectionDefinition(Name)]
public sealed class TinyModelGroup
{
    public const string Name = "tiny model";
}

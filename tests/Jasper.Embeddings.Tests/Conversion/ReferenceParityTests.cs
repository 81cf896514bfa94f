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
        Assert.Contains(cases, c => c.PromptName == "query" && c.Text != c.Text.Trim());
        Assert.Contains(cases, c => c.PromptName == "document" && c.Text != c.Text.Trim());
        Assert.All(cases, c => Assert.Equal([1.0, 0.5, 0.3333, 0.2, 0.1], c.Results.Select(r => r.Ratio)));
    }

    [Fact]
    public void The_encoder_tokenizes_each_text_as_sentence_transformers_does()
    {
        // sentence-transformers tokenizes (prompt + text).strip() with Python's strip(); the goldens hold the ids of
        // exactly that input, which model_golden.py checks against Python's own strip().
        using var encoder = JasperEncoder.Load(TinyModels.Model("fp32"));
        Assert.All(Goldens.ModelCases, c => Assert.Equal(c.Ids, encoder.Prepare(new EmbeddingInput(c.Text, null, c.PromptName)).Tokens.Ids));
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
        // If the random model mapped every text to nearly the same vector, 0.9999 would prove little. Texts that differ
        // only in whitespace (the strip cases) are meant to be near each other and are left out.
        var cases = Goldens.ModelCases;
        string Words(ModelCase c) => c.PromptName + string.Concat(c.Text.Where(ch => !char.IsWhiteSpace(ch) && ch > '\u001f'));
        double closest = cases.SelectMany((a, i) => cases.Skip(i + 1).Where(b => Words(a) != Words(b)).Select(b => (double)VectorMath.Cosine(
            a.Results.Single(r => r.Ratio == 0.5).Embedding, b.Results.Single(r => r.Ratio == 0.5).Embedding))).Max();
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

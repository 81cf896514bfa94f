using Jasper.Embeddings.Inference;
using Jasper.Embeddings.Numerics;
using Jasper.Embeddings.Tests.Conversion;
using Jasper.TestSupport;

namespace Jasper.Embeddings.Tests.Inference;

[Collection(TinyModelGroup.Name)]
public sealed class BatchingTests
{
    private static IReadOnlyList<EmbeddingInput> MixedInputs() => Goldens.ModelCases
        .Select((c, i) => new EmbeddingInput(c.Text, new[] { 1.0, 0.5, 0.3333, 0.2, 0.1 }[i % 5], c.PromptName))
        .ToList();

    [Fact]
    public async Task A_texts_vector_does_not_depend_on_its_batch_mates()
    {
        using var encoder = JasperEncoder.Load(TinyModels.Fp32, new JasperEncoderOptions { BatchTokenBudget = 16384 });
        var inputs = MixedInputs();
        var batched = await encoder.EmbedAsync(inputs);
        var plan = BatchPlanner.Plan(inputs.Select(i => encoder.Prepare(i).Tokens.Ids.Length).ToList(), 16384, 256);
        Assert.Contains(plan, b => b.Count > 3);
        Assert.Contains(plan, b => b.Rows.Any(r => r.Length > 1)); // some texts share a row: packing is exercised

        for (int i = 0; i < inputs.Count; i++)
        {
            var alone = (await encoder.EmbedAsync([inputs[i]]))[0];
            double cosine = VectorMath.Cosine(alone.Vector, batched[i].Vector);
            Assert.True(cosine >= 0.99999, $"input {i}: cosine {cosine} alone vs batched");
            Assert.Equal(alone.CompressedTokens, batched[i].CompressedTokens);
        }
    }

    [Fact]
    public async Task Results_come_back_in_input_order_normalised_whatever_the_budget()
    {
        var inputs = MixedInputs();
        using var wide = JasperEncoder.Load(TinyModels.Fp32, new JasperEncoderOptions { BatchTokenBudget = 1 << 20 });
        using var narrow = JasperEncoder.Load(TinyModels.Fp32, new JasperEncoderOptions { BatchTokenBudget = 700, MaxBatchSize = 3 });
        var a = await wide.EmbedAsync(inputs);
        var b = await narrow.EmbedAsync(inputs);
        for (int i = 0; i < inputs.Count; i++)
        {
            Assert.Equal(Goldens.ModelCases[i].Ids.Length, a[i].Tokens);
            Assert.Equal(1.0, TensorNorm(a[i].Vector), 4);
            Assert.True(VectorMath.Cosine(a[i].Vector, b[i].Vector) >= 0.99999);
        }
    }

    [Fact]
    public async Task Progress_is_reported_after_each_inference_and_ends_at_the_calls_totals()
    {
        var inputs = MixedInputs();
        using var encoder = JasperEncoder.Load(TinyModels.Fp32, new JasperEncoderOptions { BatchTokenBudget = 700, MaxBatchSize = 3 });
        var texts = inputs.Select(encoder.Prepare).ToList();
        var reports = new List<EmbeddingProgress>();

        var results = await encoder.EmbedAsync(texts, new SynchronousProgress<EmbeddingProgress>(reports.Add));

        Assert.Equal(BatchPlanner.Plan(texts.Select(t => t.Tokens.Ids.Length).ToList(), 700, 3).Count, reports.Count);
        Assert.Equal(new EmbeddingProgress(results.Count, results.Sum(r => (long)r.Tokens), results.Sum(r => (long)r.CompressedTokens)), reports[^1]);
        Assert.All(reports.Zip(reports.Skip(1)), pair => Assert.True(pair.Second.Texts > pair.First.Texts && pair.Second.Tokens > pair.First.Tokens));
    }

    [Fact]
    public async Task The_encoder_is_safe_to_share_between_threads()
    {
        using var encoder = JasperEncoder.Load(TinyModels.Fp32);
        var inputs = MixedInputs();
        var expected = await encoder.EmbedAsync(inputs);
        var runs = await Task.WhenAll(Enumerable.Range(0, 8).Select(k => Task.Run(() => encoder.EmbedAsync(inputs.Skip(k).Take(12).ToList()))));
        for (int k = 0; k < runs.Length; k++)
        {
            for (int i = 0; i < runs[k].Count; i++)
            {
                Assert.True(VectorMath.Cosine(expected[k + i].Vector, runs[k][i].Vector) >= 0.99999);
            }
        }
    }

    [Fact]
    public void The_planner_packs_longest_first_under_the_budget_and_places_every_text_once()
    {
        int[] lengths = [5, 700, 90, 90, 1024, 1, 300, 300, 300];
        var batches = BatchPlanner.Plan(lengths, 1000, 4);
        Assert.Equal(Enumerable.Range(0, lengths.Length), batches.SelectMany(b => b.Rows).SelectMany(r => r).Order());
        Assert.Equal([4], batches[0].Rows.Single()); // alone: longer than the budget
        Assert.All(batches, b => Assert.True(b.Rows.Count == 1 || b.Rows.Count * b.Width <= 1000));
        Assert.All(batches, b => Assert.True(b.Count <= 4));
        Assert.All(batches, b => Assert.All(b.Rows, r => Assert.True(r.Length == 1 || r.Sum(i => lengths[i]) <= b.Width)));
        Assert.All(batches, b => Assert.Equal(b.Width, b.Rows.SelectMany(r => r).Max(i => lengths[i])));
        var widths = batches.Select(b => b.Width).ToList();
        Assert.Equal(widths.OrderDescending(), widths);
    }

    [Fact]
    public void Short_texts_share_rows_instead_of_padding()
    {
        int[] lengths = [12, 5, 7, 6, 6, 3, 9, 12];
        var batch = BatchPlanner.Plan(lengths, 8192, 256).Single();
        Assert.Equal(12, batch.Width);
        Assert.Equal(lengths.Length, batch.Count);
        Assert.True(batch.Rows.Count < lengths.Length, $"{batch.Rows.Count} rows for {lengths.Length} texts: nothing was packed");
        Assert.All(batch.Rows, r => Assert.True(r.Sum(i => lengths[i]) <= 12));
        Assert.Equal(Math.Ceiling(lengths.Sum() / 12.0), batch.Rows.Count); // first fit decreasing is optimal here
    }

    [Fact]
    public void Without_packing_every_text_has_a_row_of_its_own_under_the_same_budget()
    {
        int[] lengths = [12, 5, 7, 6, 6, 3, 9, 12, 1024, 700];
        var batches = BatchPlanner.Plan(lengths, 2048, 256, packing: false);
        Assert.Equal(Enumerable.Range(0, lengths.Length), batches.SelectMany(b => b.Rows).SelectMany(r => r).Order());
        Assert.All(batches, b => Assert.All(b.Rows, r => Assert.Single(r)));
        Assert.All(batches, b => Assert.True(b.Rows.Count == 1 || b.Rows.Count * b.Width <= 2048));
        Assert.Equal([8, 9], batches[0].Rows.SelectMany(r => r)); // 1,024 and 700 tokens: two rows of 1,024
    }

    [Fact]
    public async Task A_fused_model_plans_one_text_per_row_and_gives_the_vectors_of_texts_embedded_alone()
    {
        using var encoder = JasperEncoder.Load(TinyModels.Fp32Fused);
        Assert.False(encoder.Model.Manifest.Graph.PacksTexts);
        string[] texts = ["a", "two words", "a somewhat longer text of a few more words", "短い"];
        var together = await encoder.EmbedAsync(texts.Select(t => new EmbeddingInput(t, 0.5)).ToList());
        for (int i = 0; i < texts.Length; i++)
        {
            var alone = (await encoder.EmbedAsync([new EmbeddingInput(texts[i], 0.5)]))[0];
            Assert.True(VectorMath.Cosine(alone.Vector, together[i].Vector) >= 0.99999, $"text {i}");
        }
    }

    private static double TensorNorm(float[] v) => Math.Sqrt(v.Sum(x => (double)x * x));
}

using Jasper.Embeddings.Tokenization;
using Jasper.TestSupport;

namespace Jasper.Embeddings.Tests.Tokenization;

/// <summary>
/// A text too long for the limit is refused by its length alone when its length proves it, before byte-level BPE
/// (quadratic over one long word) runs; the bound never refuses a text that fits.
/// </summary>
public sealed class TokenLimitTests
{
    private static readonly Lazy<JasperTokenizer> Qwen = new(() => JasperTokenizer.Load(RepoPaths.QwenTokenizer));

    [Fact]
    public void A_megabyte_word_is_refused_by_its_length_without_being_tokenized()
    {
        string word = new('x', 1_000_000);

        var error = Assert.Throws<TokenLimitExceededException>(() => Qwen.Value.Encode(word, 1024, truncate: false));

        Assert.True(error.IsLowerBound); // the count came from the length, so BPE never ran
        Assert.True(error.TokenCount > 1024);
        Assert.Contains("at least", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_length_bound_never_exceeds_the_real_count()
    {
        foreach (var text in Goldens.TokenizerCases.Select(c => c.Text).Append(new string('x', 50_000)).Append(string.Concat(Enumerable.Repeat("한국어", 3000))))
        {
            int real = Qwen.Value.Encode(text, addSpecialTokens: false).Length;
            Assert.True(Qwen.Value.MinimumTokens(text) <= real, $"bound {Qwen.Value.MinimumTokens(text)} over {real} tokens");
        }
    }

    [Fact]
    public void A_text_over_the_limit_but_under_the_bound_gets_its_exact_count()
    {
        string text = string.Join(' ', Enumerable.Repeat("word", 2000));
        var error = Assert.Throws<TokenLimitExceededException>(() => Qwen.Value.Encode(text, 1024, truncate: false));
        Assert.False(error.IsLowerBound);
        Assert.Equal(Qwen.Value.Encode(text).Length, error.TokenCount);
    }
}

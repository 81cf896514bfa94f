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

    [Theory]
    [InlineData("x", 10_000)]       // one word: a single \p{L}+ piece of the split regex
    [InlineData("中", 9_000)]        // CJK without punctuation: likewise
    [InlineData("😀", 5_000)]       // a symbol run, each symbol a surrogate pair
    [InlineData(" ", 7_000)]        // a whitespace run
    public void No_piece_longer_than_the_cap_reaches_the_bpe(string unit, int count)
    {
        // BPE is quadratic in a piece's length (a 128,000-character CJK word took 30 s, against 1.2 s in pieces of
        // 2,048), so the work per piece is bounded by bounding its length; the pieces still tile the text.
        string text = string.Concat(Enumerable.Repeat(unit, count));
        var pieces = new QwenPreTokenizer(new AddedTokenMatcher([])).PreTokenize(text).ToList();

        Assert.All(pieces, p => Assert.InRange(p.Length, 1, JasperTokenizer.MaxPieceLength));
        Assert.Equal(text.Length, pieces.Sum(p => p.Length));
        Assert.Equal(pieces.Select(p => p.Offset), pieces.Select(p => p.Offset).Order());
        Assert.All(pieces, p => Assert.False(char.IsLowSurrogate(text[p.Offset]), $"a piece starts inside a surrogate pair at {p.Offset}"));
        Assert.True(pieces.Count > 1);
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

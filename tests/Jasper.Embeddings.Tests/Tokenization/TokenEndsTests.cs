using Jasper.Embeddings.Tokenization;
using Jasper.TestSupport;

namespace Jasper.Embeddings.Tests.Tokenization;

/// <summary>
/// Where each token ends, in UTF-16 characters of the text, checked against the tokens' own bytes: the chunker cuts
/// texts there. Microsoft.ML.Tokenizers ends a token whose last character lies outside the basic plane (an emoji)
/// between the character's two UTF-16 units, one short, so the chunker cut emoji in half.
/// </summary>
public sealed class TokenEndsTests
{
    private static readonly Lazy<JasperTokenizer> Qwen = new(() => JasperTokenizer.Load(RepoPaths.QwenTokenizer));

    [Theory]
    [InlineData("Plain words first. \U0001F600\U0001F680\U0001F389 and after")]
    [InlineData("\U0001F600\U0001F600\U0001F600\U0001F44D\U0001F525")]
    [InlineData("mixed 中文 text, \U00020000\U0002A6D6 rare CJK, café, 한국어 \U0001F468\u200D\U0001F469\u200D\U0001F467 family")]
    [InlineData("𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math letters and 🏳️‍🌈 a flag")]
    public void Every_token_ends_where_its_bytes_end_and_never_inside_a_character(string text)
    {
        int[] ends = Qwen.Value.TokenEnds(text);
        int[] ids = Qwen.Value.Encode(text, addSpecialTokens: false);

        Assert.Equal(ids.Length, ends.Length);
        Assert.Equal(text.Length, ends[^1]);
        for (int i = 0; i < ends.Length; i++)
        {
            Assert.True(i == 0 || ends[i] >= ends[i - 1], $"token {i} ends before token {i - 1}");
            Assert.False(ends[i] > 0 && ends[i] < text.Length && char.IsLowSurrogate(text[ends[i]]), $"token {i} ends inside a character, at {ends[i]}");

            // Where the tokens so far decode to a start of the text (they end on a whole character), they end there.
            string decoded = Qwen.Value.Decode(ids[..(i + 1)]);
            if (text.StartsWith(decoded, StringComparison.Ordinal) && !decoded.EndsWith('\uFFFD'))
            {
                Assert.True(decoded.Length == ends[i], $"token {i} decodes to {decoded.Length} characters but ends at {ends[i]}");
            }
        }
    }
}

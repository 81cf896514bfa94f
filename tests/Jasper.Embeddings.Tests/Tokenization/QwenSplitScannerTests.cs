using Jasper.Embeddings.Tokenization;

namespace Jasper.Embeddings.Tests.Tokenization;

/// <summary>
/// The pre-tokenizer's pieces for inputs whose regex semantics are subtle. Where the JavaScript reference agrees,
/// the golden corpus covers them too; the last cases are where it does not (see tokenizer-golden.mjs).
/// </summary>
public sealed class QwenSplitScannerTests
{
    [Theory]
    [InlineData("Hello world", new[] { "Hello", " world" })]
    [InlineData("  \n\n  x", new[] { "  \n\n", " ", " x" })]
    [InlineData("a  b", new[] { "a", " ", " b" })]
    [InlineData("trailing   ", new[] { "trailing", "   " })]
    [InlineData("it's I'LL 'sa", new[] { "it", "'s", " I", "'LL", " '", "sa" })]
    [InlineData("x123", new[] { "x", "1", "2", "3" })]
    [InlineData("!!!\n\nabc", new[] { "!!!\n\n", "abc" })]
    [InlineData(" !? done", new[] { " !?", " done" })]
    [InlineData("\t!x", new[] { "\t", "!x" })]
    [InlineData("𝐀𝐁 𝟏", new[] { "𝐀𝐁", " ", "𝟏" })]
    [InlineData("a\u0085 b", new[] { "a", "\u0085", " b" })]
    [InlineData("'ſ", new[] { "'ſ" })]
    public void Pieces_follow_the_regex(string text, string[] expected)
    {
        var pieces = new List<(int Offset, int Length)>();
        QwenSplitScanner.Split(text, 0, pieces);
        Assert.Equal(expected, pieces.Select(p => text.Substring(p.Offset, p.Length)));
    }
}

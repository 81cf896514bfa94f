using Jasper.Embeddings.Tokenization;

namespace Jasper.Embeddings.Tests.Tokenization;

public sealed class PythonWhitespaceTests
{
    // Python 3.11: [hex(c) for c in range(0x110000) if chr(c).isspace()], every one in the BMP.
    private static readonly int[] PythonIsSpace =
    [
        0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004,
        0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
    ];

    [Fact]
    public void Every_char_is_whitespace_exactly_when_Python_says_so()
    {
        var expected = PythonIsSpace.ToHashSet();
        var wrong = Enumerable.Range(0, char.MaxValue + 1).Where(c => PythonWhitespace.Is((char)c) != expected.Contains(c)).ToList();
        Assert.True(wrong.Count == 0, "differs from Python at " + string.Join(", ", wrong.Select(c => $"U+{c:X4}")));
    }

    [Theory]
    [InlineData(" text\n", "text")]
    [InlineData("\u001c\u001d\u001e\u001ftext\u001f", "text")]
    [InlineData("\u3000\u00a0 a b \r\n\t", "a b")]
    [InlineData("\u200btext\ufeff", "\u200btext\ufeff")] // zero-width space and BOM are not whitespace to Python
    [InlineData(" \n\t", "")]
    [InlineData("text", "text")]
    public void Strip_removes_what_Pythons_strip_removes_from_both_ends_only(string text, string stripped) =>
        Assert.Equal(stripped, PythonWhitespace.Strip(text));
}

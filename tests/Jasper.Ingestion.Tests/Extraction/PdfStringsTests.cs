using Jasper.Ingestion.Extraction.PdfFilters;

namespace Jasper.Ingestion.Tests.Extraction;

/// <summary>PDF strings as the encryption dictionary writes its keys: hex, or literal with escapes (ISO 32000-1, 7.3.4).</summary>
public sealed class PdfStringsTests
{
    [Theory]
    [InlineData("  <41 42 4>", new byte[] { 0x41, 0x42, 0x40 })] // white space skipped, a lone last digit followed by 0
    [InlineData("(a(b)c)", new byte[] { (byte)'a', (byte)'(', (byte)'b', (byte)')', (byte)'c' })] // balanced parentheses
    [InlineData("(\\(\\)\\\\\\n\\r\\t\\b\\f)", new byte[] { (byte)'(', (byte)')', (byte)'\\', 10, 13, 9, 8, 12 })]
    [InlineData("(\\101\\0\\7777)", new byte[] { 0x41, 0, 0xFF, (byte)'7' })] // octal, one to three digits (the high bit dropped)
    [InlineData("(a\\\r\nb\\\nc)", new byte[] { (byte)'a', (byte)'b', (byte)'c' })] // lines continued
    [InlineData("(\\q)", new byte[] { (byte)'q' })] // an unknown escape is the character itself
    public void A_string_reads_as_its_bytes(string text, byte[] expected)
    {
        Assert.Equal(expected, PdfStrings.Read(text, 0));
    }

    [Theory]
    [InlineData("<< /O 1 >>")]
    [InlineData("/Name")]
    [InlineData("")]
    public void What_is_no_string_reads_as_none(string text)
    {
        Assert.Null(PdfStrings.Read(text, 0));
    }
}

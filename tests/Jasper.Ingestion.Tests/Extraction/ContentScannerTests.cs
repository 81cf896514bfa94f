using System.Text;
using Jasper.Ingestion.Extraction;

namespace Jasper.Ingestion.Tests.Extraction;

/// <summary>
/// The content weighing that runs as a PDF's streams unpack: letters bounded by string bytes, draws by "/Name Do",
/// the same whichever way the content is cut into chunks.
/// </summary>
public sealed class ContentScannerTests
{
    private const string Content = "BT (Hello) Tj <48656C6C 6F> Tj (a\\)b(c)d) Tj ET /Fm Do /F#6d Do /X1\nDo /Y [/Z] Do /W Dot (/Q Do) <4";

    [Fact]
    public void Letters_are_string_bytes_and_draws_are_names_followed_by_do()
    {
        var scanner = Scan([Encoding.Latin1.GetBytes(Content)]);

        // Hello (5), the hex string's 5 bytes, a\)b(c)d (7), /Q Do (5) and the unclosed hex digit at the end (1).
        Assert.Equal(23, scanner.Letters);
        // Fm twice (once escaped) and X1; not Y or Z (a delimiter comes between), nor W ("Dot"); Q although in a
        // string, as strings and inline images can hide draws from a scan this simple.
        Assert.Equal(new Dictionary<string, long> { ["Fm"] = 2, ["X1"] = 1, ["Q"] = 1 }, scanner.Draws);
    }

    [Fact]
    public void Operators_are_the_words_outside_strings_that_are_not_numbers()
    {
        var scanner = Scan([Encoding.Latin1.GetBytes("q 1 0 0 1 -2.5 .5 cm BT (Tj in a string) Tj ET m() l[]re<4142>sh /Name Q")]);

        // q cm BT Tj ET m l re sh Q: not the numbers, the name, nor the words inside the string.
        Assert.Equal(10, scanner.Operators);
    }

    [Fact]
    public void Content_cut_into_single_bytes_weighs_the_same()
    {
        byte[] bytes = Encoding.Latin1.GetBytes(Content);
        var whole = Scan([bytes]);

        var cut = Scan([.. bytes.Select(b => new[] { b })]);

        Assert.Equal(whole.Letters, cut.Letters);
        Assert.Equal(whole.Operators, cut.Operators);
        Assert.Equal(whole.Draws, cut.Draws);
    }

    private static ContentScanner Scan(IEnumerable<byte[]> chunks)
    {
        var scanner = new ContentScanner();
        foreach (byte[] chunk in chunks)
        {
            scanner.Scan(chunk);
        }

        scanner.Finish();
        return scanner;
    }
}

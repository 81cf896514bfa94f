using Jasper.Ingestion.Extraction;
using Jasper.TestSupport;

namespace Jasper.Ingestion.Tests.Extraction;

/// <summary>Where PDF objects end, and dictionaries as patterns read them, with comments and strings in the way.</summary>
public sealed class PdfSyntaxTests
{
    [Theory]
    [InlineData("<< /A (endobj) /B 1 >>\nendobj", 23, "EndObj")] // a string may say endobj
    [InlineData("<< /A 1 %stream\n>>\nendobj", 19, "EndObj")] // so may a comment
    [InlineData("<< /A <656E646F626A> >> endobj", 24, "EndObj")] // a hex string
    [InlineData("<< /Length 3 >>\nstream\nabc", 16, "Stream")]
    [InlineData("<< /A 1 >>\n4 0 obj << >> endobj", 11, "NextObject")] // no endobj: the next header ends it
    [InlineData("<< /A ((x) y) >>endobj", 16, "EndObj")] // nested parentheses
    [InlineData("<< /stream /endobj >> endobj", 22, "EndObj")] // names are no keywords
    public void An_object_ends_at_its_first_keyword_outside_strings_and_comments(string body, int at, string end)
    {
        long budget = 1_000;

        Assert.Equal((at, Enum.Parse<ObjectEnd>(end)), PdfSyntax.BodyEnd(body, 0, ref budget));
        Assert.True(budget < 1_000);
    }

    [Fact]
    public void A_body_whose_string_never_closes_ends_nowhere_and_the_budget_refuses_more()
    {
        long budget = 100;
        Assert.Null(PdfSyntax.BodyEnd("<< /A (never closed >> endobj", 0, ref budget));

        var error = Assert.Throws<DocumentException>(() => PdfSyntax.BodyEnd("(" + new string('x', 200), 0, ref budget));

        Assert.Equal(DocumentErrorKind.Corrupt, error.Kind);
    }

    [Fact]
    public void A_pdf_of_strings_that_never_close_is_refused_rather_than_read_over_and_over()
    {
        // Each object's unclosed string would be read to the end of the file: 5,000 objects, 5,000 times 1 MB.
        var objects = Enumerable.Range(0, 5_000).Select(i => (object?)$"<< /Junk ({new string('x', 200)} >>").ToList();
        objects.Insert(0, "<< /Type /Catalog /Pages 2 0 R >>");

        var error = Assert.Throws<DocumentException>(() => PdfInspector.Inspect(DocumentFactory.RawPdf(objects), new ExtractionOptions()));

        Assert.Equal(DocumentErrorKind.Corrupt, error.Kind);
        Assert.Contains("cannot be told apart", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<< /Filter %a comment\n/FlateDecode >>", "<< /Filter  \n/FlateDecode >>")]
    [InlineData("<< /T (50% off) /U <41%> >>", "<< /T (50% off) /U <41%> >>")] // '%' in strings is no comment
    [InlineData("<< /Fl#61te 1 >>", "<< /Flate 1 >>")]
    public void A_dictionary_reads_without_its_comments_and_with_its_names_spelled_out(string text, string normalized)
    {
        Assert.Equal(normalized, PdfSyntax.Normalized(text));
    }
}

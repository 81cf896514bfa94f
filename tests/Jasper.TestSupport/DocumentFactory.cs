using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace Jasper.TestSupport;

/// <summary>Writes real documents (PDF with a text layer, Word .docx) for tests and the samples.</summary>
public static class DocumentFactory
{
    /// <summary>A PDF with one text line per paragraph line, wrapped at <paramref name="columns"/> characters, on as many A4 pages as needed.</summary>
    public static byte[] Pdf(IEnumerable<string> paragraphs, int columns = 90)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        double y = 800;
        foreach (string paragraph in paragraphs)
        {
            foreach (string line in Wrap(paragraph, columns))
            {
                if (y < 60)
                {
                    page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
                    y = 800;
                }

                page.AddText(line, 10, new PdfPoint(50, y), font);
                y -= 14;
            }

            y -= 10;
        }

        return builder.Build();
    }

    /// <summary>A Word document: (style, text) paragraphs, where style is null, "Title" or "Heading1".."Heading9".</summary>
    public static byte[] Docx(IEnumerable<(string? Style, string Text)> paragraphs)
    {
        using var memory = new MemoryStream();
        using (var document = WordprocessingDocument.Create(memory, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var body = new Body();
            foreach (var (style, text) in paragraphs)
            {
                var paragraph = new Paragraph(new Run(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
                if (style is not null)
                {
                    paragraph.PrependChild(new ParagraphProperties(new ParagraphStyleId { Val = style }));
                }

                body.Append(paragraph);
            }

            main.Document = new Document(body);
            main.Document.Save();
        }

        return memory.ToArray();
    }

    private static IEnumerable<string> Wrap(string text, int columns)
    {
        var line = new System.Text.StringBuilder();
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > columns)
            {
                yield return line.ToString();
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : string.Empty).Append(word);
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }
}

using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Jasper.Ingestion.Extraction;

/// <summary>Word documents through the Open XML SDK: each paragraph (table cells included) as a block; Title and Heading styles as headings.</summary>
internal sealed class DocxExtractor(ExtractionOptions options) : BufferedDocumentExtractor
{
    /// <inheritdoc />
    public override FileFormat Format => FileFormat.Docx;

    /// <inheritdoc />
    protected override IReadOnlyList<TextBlock> Extract(MemoryStream content)
    {
        PackageInspector.Inspect(content, options, ".docx"); // before Open XML, which recurses once per nesting level
        var builder = new BlockBuilder();
        try
        {
            using var document = WordprocessingDocument.Open(content, isEditable: false);
            var body = document.MainDocumentPart?.Document?.Body
                ?? throw new DocumentException(DocumentErrorKind.Corrupt, "the .docx has no document body");
            foreach (var paragraph in body.Descendants<Paragraph>())
            {
                string style = paragraph.ParagraphProperties?.ParagraphStyleId?.Val?.Value ?? string.Empty;
                bool heading = style.StartsWith("Heading", StringComparison.OrdinalIgnoreCase) || style.Equals("Title", StringComparison.OrdinalIgnoreCase);
                builder.Add(ParagraphText(paragraph), heading ? TextBlockKind.Heading : TextBlockKind.Paragraph);
            }
        }
        catch (Exception ex) when (ex is OpenXmlPackageException or InvalidDataException or FileFormatException or System.Xml.XmlException)
        {
            throw new DocumentException(DocumentErrorKind.Corrupt, $"the .docx cannot be read ({ex.Message})", ex);
        }

        return builder.Build("the .docx has no text");
    }

    private static string ParagraphText(Paragraph paragraph)
    {
        var text = new StringBuilder();
        foreach (var element in paragraph.Descendants())
        {
            switch (element)
            {
                case Text t:
                    text.Append(t.Text);
                    break;
                case TabChar:
                    text.Append('\t');
                    break;
                case Break or CarriageReturn:
                    text.Append('\n');
                    break;
            }
        }

        return text.ToString();
    }
}

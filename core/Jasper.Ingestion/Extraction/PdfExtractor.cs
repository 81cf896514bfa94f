using UglyToad.PdfPig;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;
using UglyToad.PdfPig.Exceptions;
using UglyToad.PdfPig.Fonts;

namespace Jasper.Ingestion.Extraction;

/// <summary>
/// PDF through PdfPig: each page's text in content order, split into paragraphs at blank lines. <see cref="PdfInspector"/>
/// checks the bytes first, and the page count is checked before any page is read.
/// </summary>
internal sealed class PdfExtractor(ExtractionOptions options) : BufferedDocumentExtractor
{
    /// <inheritdoc />
    public override FileFormat Format => FileFormat.Pdf;

    /// <inheritdoc />
    protected override IReadOnlyList<TextBlock> Extract(MemoryStream content)
    {
        var builder = new BlockBuilder();
        try
        {
            byte[] pdf = content.ToArray();
            PdfInspector.Inspect(pdf, options); // before PdfPig, which recurses through reference cycles and unpacks in memory
            using var document = PdfDocument.Open(pdf, new ParsingOptions { UseLenientParsing = false });
            if (document.NumberOfPages > options.MaxPdfPages)
            {
                throw new DocumentException(DocumentErrorKind.TooLarge, $"the PDF has {document.NumberOfPages} pages, more than the limit of {options.MaxPdfPages}");
            }

            foreach (var page in document.GetPages())
            {
                string text = ContentOrderTextExtractor.GetText(page).Replace("\r\n", "\n", StringComparison.Ordinal);
                foreach (string paragraph in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
                {
                    builder.Add(paragraph, TextBlockKind.Paragraph);
                }
            }
        }
        catch (PdfDocumentEncryptedException ex)
        {
            // Retrying cannot help: it needs a password this system does not have.
            throw new DocumentException(DocumentErrorKind.Unsupported, "the PDF is encrypted; upload it without a password", ex);
        }
        catch (Exception ex) when (ex is PdfDocumentFormatException or InvalidFontFormatException or CorruptCompressedDataException
            or InvalidOperationException or ArgumentException or IndexOutOfRangeException or InvalidCastException or KeyNotFoundException or FormatException)
        {
            throw new DocumentException(DocumentErrorKind.Corrupt, $"the PDF cannot be read ({ex.Message})", ex);
        }
        catch (Exception ex) when (ex is NotSupportedException or NotImplementedException)
        {
            // PdfPig's word for a filter or font it does not read (damaged files name such things too): the document's
            // failure, which retrying cannot mend.
            throw new DocumentException(DocumentErrorKind.Unsupported, $"the PDF uses something PdfPig cannot read ({ex.Message})", ex);
        }

        return builder.Build("the PDF has no text layer (scanned pages need OCR first)");
    }
}

using System.Runtime.CompilerServices;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;

namespace Jasper.Core.Extraction;

/// <summary>PDF through PdfPig: each page's text in content order, split into paragraphs at blank lines.</summary>
public sealed class PdfExtractor : IDocumentExtractor
{
    /// <inheritdoc />
    public FileFormat Format => FileFormat.Pdf;

    /// <inheritdoc />
    public async IAsyncEnumerable<TextBlock> ExtractAsync(Stream content, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var memory = new MemoryStream();
        await content.CopyToAsync(memory, cancellationToken).ConfigureAwait(false);
        foreach (var block in Extract(memory.ToArray()))
        {
            yield return block;
        }
    }

    private static IReadOnlyList<TextBlock> Extract(byte[] bytes)
    {
        var builder = new BlockBuilder();
        try
        {
            using var document = PdfDocument.Open(bytes, new ParsingOptions { UseLenientParsing = false });
            foreach (var page in document.GetPages())
            {
                string text = ContentOrderTextExtractor.GetText(page).Replace("\r\n", "\n", StringComparison.Ordinal);
                foreach (string paragraph in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
                {
                    builder.Add(paragraph, TextBlockKind.Paragraph);
                }
            }
        }
        catch (Exception ex) when (ex is PdfDocumentFormatException or InvalidOperationException or ArgumentException or IndexOutOfRangeException or InvalidCastException or KeyNotFoundException or FormatException)
        {
            throw new DocumentException(DocumentErrorKind.Corrupt, $"the PDF cannot be read ({ex.Message})", ex);
        }

        return builder.Build("the PDF has no text layer (scanned pages need OCR first)");
    }
}

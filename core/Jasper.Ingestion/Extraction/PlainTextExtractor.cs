using System.Runtime.CompilerServices;
using System.Text;

namespace Jasper.Ingestion.Extraction;

/// <summary>
/// Plain text, streamed: the file is decoded in windows of <see cref="WindowChars"/> characters and cut into
/// paragraph blocks, so memory stays bounded whatever the file size. The extracted text is the decoded file
/// itself (blocks concatenate back to it exactly).
/// </summary>
internal sealed class PlainTextExtractor : IDocumentExtractor
{
    /// <summary>Largest block handed on; longer paragraphs are cut at a line break or space.</summary>
    public const int WindowChars = 1 << 16;

    /// <inheritdoc />
    public FileFormat Format => FileFormat.PlainText;

    /// <inheritdoc />
    public async IAsyncEnumerable<TextBlock> ExtractAsync(Stream content, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = StrictTextDecoder.CreateReader(content);
        var pending = new StringBuilder();
        var buffer = new char[WindowChars];
        bool any = false;
        while (true)
        {
            int read = await StrictTextDecoder.GuardAsync(() => reader.ReadBlockAsync(buffer.AsMemory(), cancellationToken).AsTask()).ConfigureAwait(false);
            pending.Append(buffer, 0, read);
            bool end = read == 0;
            foreach (var block in TakeBlocks(pending, end))
            {
                any |= !string.IsNullOrWhiteSpace(block.Text);
                yield return block;
            }

            if (end)
            {
                break;
            }
        }

        if (!any)
        {
            throw new DocumentException(DocumentErrorKind.Empty, "the text contains only white space");
        }
    }

    // Emits whole paragraphs (text up to and including a blank line) from the front of `pending`; at the end of
    // the file, or when a paragraph outgrows the window, cuts at the last line break or space instead.
    private static List<TextBlock> TakeBlocks(StringBuilder pending, bool end)
    {
        var blocks = new List<TextBlock>();
        string text = pending.ToString();
        int start = 0;
        while (start < text.Length)
        {
            int blank = ParagraphEnd(text, start);
            int cut = blank >= 0 ? blank
                : end ? text.Length
                : text.Length - start >= WindowChars ? SoftCut(text, start)
                : -1;
            if (cut < 0)
            {
                break;
            }

            blocks.Add(new TextBlock(text[start..cut], TextBlockKind.Paragraph));
            start = cut;
        }

        pending.Remove(0, start);
        return blocks;
    }

    // End (exclusive) of the paragraph starting at `start`: just after the run of blank lines that ends it.
    private static int ParagraphEnd(string text, int start)
    {
        int index = text.IndexOf("\n\n", start, StringComparison.Ordinal);
        int crlf = text.IndexOf("\r\n\r\n", start, StringComparison.Ordinal);
        if (crlf >= 0 && (index < 0 || crlf < index))
        {
            index = crlf;
        }

        if (index < 0)
        {
            return -1;
        }

        int end = index;
        while (end < text.Length && text[end] is '\n' or '\r')
        {
            end++;
        }

        // A run of line breaks at the very end of the window may continue in the next one.
        return end == text.Length ? -1 : end;
    }

    private static int SoftCut(string text, int start)
    {
        int limit = start + WindowChars;
        int cut = text.LastIndexOf('\n', limit - 1, WindowChars);
        if (cut <= start)
        {
            cut = text.LastIndexOf(' ', limit - 1, WindowChars);
        }

        if (cut <= start)
        {
            // No break at all in a whole window: cut anywhere but inside a surrogate pair.
            return limit < text.Length && char.IsLowSurrogate(text[limit]) ? limit - 1 : limit;
        }

        return cut + 1;
    }
}

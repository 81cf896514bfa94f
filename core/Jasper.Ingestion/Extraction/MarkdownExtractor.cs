using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Jasper.Ingestion.Extraction;

/// <summary>
/// Markdown through Markdig: headings, paragraphs, list items, table cells and code as text; markup removed. Markdig's
/// tree holds every block and inline at once (hundreds of bytes each: 20 MB of list items took 4.5 GB), so the lines
/// and inline marks are counted against <see cref="ExtractionOptions.MaxElements"/> first.
/// </summary>
internal sealed class MarkdownExtractor(ExtractionOptions options) : IDocumentExtractor
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    // What may start a node of Markdig's tree: a line (a block), and the characters that open inlines (emphasis, code,
    // links and images, autolinks and HTML, entities, escapes, strikethrough, table cells).
    private static readonly SearchValues<char> Marks = SearchValues.Create("\n*_`[!<&\\~|");

    /// <inheritdoc />
    public FileFormat Format => FileFormat.Markdown;

    /// <inheritdoc />
    public async IAsyncEnumerable<TextBlock> ExtractAsync(Stream content, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = StrictTextDecoder.CreateReader(content);
        string markdown = await StrictTextDecoder.GuardAsync(() => reader.ReadToEndAsync(cancellationToken)).ConfigureAwait(false);
        CheckElements(markdown, options.MaxElements);
        var builder = new BlockBuilder();
        foreach (var block in Parse(markdown).Descendants<LeafBlock>())
        {
            switch (block)
            {
                case HeadingBlock heading:
                    builder.Add(InlineText(heading.Inline), TextBlockKind.Heading);
                    break;
                case CodeBlock code:
                    builder.Add(code.Lines.ToString(), TextBlockKind.Paragraph);
                    break;
                case ParagraphBlock paragraph:
                    builder.Add(InlineText(paragraph.Inline), TextBlockKind.Paragraph);
                    break;
            }
        }

        foreach (var block in builder.Build("the Markdown has no text"))
        {
            yield return block;
        }
    }

    // An upper bound of the nodes Markdig would make, from one scan of the text.
    private static void CheckElements(string markdown, int maxElements)
    {
        int marks = 0;
        var rest = markdown.AsSpan();
        for (int at = rest.IndexOfAny(Marks); at >= 0; at = rest.IndexOfAny(Marks))
        {
            if (++marks > maxElements)
            {
                throw new DocumentException(DocumentErrorKind.TooLarge, $"the Markdown has more than {maxElements} elements (lines and inline marks)");
            }

            rest = rest[(at + 1)..];
        }
    }

    private static MarkdownDocument Parse(string markdown)
    {
        try
        {
            return Markdown.Parse(markdown, Pipeline);
        }
        catch (ArgumentException ex)
        {
            // Markdig refuses nesting past its depth limit (thousands of '>' or nested lists) rather than recursing into it.
            throw new DocumentException(DocumentErrorKind.TooDeep, $"the Markdown nests elements deeper than its parser allows ({ex.Message})", ex);
        }
    }

    // The text of the inlines in document order, walked with an explicit stack: inlines nest as deep as the markup
    // does (100,000 brackets or asterisks), and a recursive walk overflowed the stack, which ends the process.
    private static string InlineText(ContainerInline? container)
    {
        var text = new StringBuilder();
        var pending = new Stack<Inline>();
        if (container is not null)
        {
            pending.Push(container);
        }

        while (pending.TryPop(out var inline))
        {
            Append(inline, text, pending);
        }

        return text.ToString();
    }

    // Appends a leaf's text, or schedules a container's children (pushed last first, so they pop in order).
    private static void Append(Inline inline, StringBuilder text, Stack<Inline> pending)
    {
        switch (inline)
        {
            case LiteralInline literal:
                text.Append(literal.Content.ToString());
                break;
            case CodeInline code:
                text.Append(code.Content);
                break;
            case LineBreakInline:
                text.Append('\n');
                break;
            case AutolinkInline link:
                text.Append(link.Url);
                break;
            case HtmlEntityInline entity:
                text.Append(entity.Transcoded.ToString());
                break;
            case ContainerInline container:
                for (var child = container.LastChild; child is not null; child = child.PreviousSibling)
                {
                    pending.Push(child);
                }

                break;
        }
    }
}

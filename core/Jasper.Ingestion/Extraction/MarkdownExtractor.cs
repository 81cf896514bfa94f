using System.Runtime.CompilerServices;
using System.Text;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Jasper.Ingestion.Extraction;

/// <summary>Markdown through Markdig: headings, paragraphs, list items, table cells and code as text; markup removed.</summary>
internal sealed class MarkdownExtractor : IDocumentExtractor
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    /// <inheritdoc />
    public FileFormat Format => FileFormat.Markdown;

    /// <inheritdoc />
    public async IAsyncEnumerable<TextBlock> ExtractAsync(Stream content, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = StrictTextDecoder.CreateReader(content);
        string markdown = await StrictTextDecoder.GuardAsync(() => reader.ReadToEndAsync(cancellationToken)).ConfigureAwait(false);
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

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
        foreach (var block in Markdown.Parse(markdown, Pipeline).Descendants<LeafBlock>())
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

    private static string InlineText(ContainerInline? container)
    {
        var text = new StringBuilder();
        Append(container, text);
        return text.ToString();
    }

    private static void Append(Inline? inline, StringBuilder text)
    {
        switch (inline)
        {
            case null:
                return;
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
                for (var child = container.FirstChild; child is not null; child = child.NextSibling)
                {
                    Append(child, text);
                }

                break;
        }
    }
}

using System.Runtime.CompilerServices;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Jasper.Ingestion.Extraction;

/// <summary>
/// HTML through AngleSharp (which also honours the page's declared charset): the visible text of the body, one
/// block per heading, paragraph, list item, cell and other block element; script, style, templates and hidden
/// elements are left out.
/// </summary>
internal sealed class HtmlExtractor : IDocumentExtractor
{
    private static readonly HashSet<string> Invisible = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "noscript", "template", "head", "svg", "canvas", "iframe", "object", "embed", "button", "select", "datalist",
    };

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "li", "dt", "dd", "tr", "td", "th",
        "blockquote", "pre", "figcaption", "caption", "address", "table", "ul", "ol", "dl", "form", "fieldset", "details", "summary",
    };

    /// <inheritdoc />
    public FileFormat Format => FileFormat.Html;

    /// <inheritdoc />
    public async IAsyncEnumerable<TextBlock> ExtractAsync(Stream content, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var document = await new HtmlParser().ParseDocumentAsync(content, cancellationToken).ConfigureAwait(false);
        var builder = new BlockBuilder();
        var current = new StringBuilder();
        if (document.Body is not null)
        {
            Walk(document.Body, builder, current, preformatted: false);
        }

        Flush(builder, current, TextBlockKind.Paragraph, preformatted: false);
        foreach (var block in builder.Build("the page has no visible text"))
        {
            yield return block;
        }
    }

    private static void Walk(INode node, BlockBuilder builder, StringBuilder current, bool preformatted)
    {
        foreach (var child in node.ChildNodes)
        {
            if (child is IText text)
            {
                current.Append(text.Data);
                continue;
            }

            if (child is not IElement element || Invisible.Contains(element.LocalName) || element.HasAttribute("hidden")
                || element.GetAttribute("aria-hidden") == "true")
            {
                continue;
            }

            bool heading = element.LocalName.Length == 2 && element.LocalName[0] == 'h' && char.IsAsciiDigit(element.LocalName[1]);
            bool pre = preformatted || element.LocalName == "pre";
            if (element.LocalName == "br")
            {
                current.Append('\n');
            }
            else if (heading || Blocks.Contains(element.LocalName))
            {
                Flush(builder, current, TextBlockKind.Paragraph, preformatted);
                Walk(element, builder, current, pre);
                Flush(builder, current, heading ? TextBlockKind.Heading : TextBlockKind.Paragraph, pre);
            }
            else
            {
                Walk(element, builder, current, preformatted);
            }
        }
    }

    // White space collapses over the whole block (as a browser renders it), except in <pre>.
    private static void Flush(BlockBuilder builder, StringBuilder current, TextBlockKind kind, bool preformatted)
    {
        string text = current.ToString();
        builder.Add(preformatted ? text : BlockBuilder.CollapseWhiteSpace(text), kind);
        current.Clear();
    }
}

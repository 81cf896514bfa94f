using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Jasper.Ingestion.Extraction;

/// <summary>
/// HTML through AngleSharp (which also honours the page's declared charset): the visible text of the body, one
/// block per heading, paragraph, list item, cell and other block element; script, style, templates and hidden
/// elements are left out. <see cref="HtmlInspector"/> checks the nesting first.
/// </summary>
internal sealed class HtmlExtractor(ExtractionOptions options) : BufferedDocumentExtractor
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
    public override FileFormat Format => FileFormat.Html;

    /// <inheritdoc />
    protected override IReadOnlyList<TextBlock> Extract(MemoryStream content)
    {
        // Before AngleSharp, whose work grows with the depth squared and whose memory with the elements.
        HtmlInspector.Inspect(content.GetBuffer().AsSpan(0, (int)content.Length), options.MaxNestingDepth, options.MaxElements);
        using var document = new HtmlParser().ParseDocument(content);
        var builder = new BlockBuilder();
        var current = new StringBuilder();
        if (document.Body is not null)
        {
            Walk(document.Body, builder, current);
        }

        Flush(builder, current, TextBlockKind.Paragraph, preformatted: false);
        return builder.Build("the page has no visible text");
    }

    // The body in document order, with an explicit stack: elements nest as deep as the page does (100,000 <div>s),
    // and a recursive walk overflowed the stack, which ends the process. A block flushes the text before it on the
    // way in and its own text on the way out.
    private static void Walk(INode body, BlockBuilder builder, StringBuilder current)
    {
        var stack = new Stack<Frame>();
        stack.Push(new Frame(body, 0, Preformatted: false, FlushAs: null));
        while (stack.TryPop(out var frame))
        {
            if (frame.Next >= frame.Node.ChildNodes.Length)
            {
                if (frame.FlushAs is TextBlockKind kind)
                {
                    Flush(builder, current, kind, frame.Preformatted);
                }

                continue;
            }

            stack.Push(frame with { Next = frame.Next + 1 });
            var child = frame.Node.ChildNodes[frame.Next];
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
            bool pre = frame.Preformatted || element.LocalName == "pre";
            if (element.LocalName == "br")
            {
                current.Append('\n');
            }
            else if (heading || Blocks.Contains(element.LocalName))
            {
                Flush(builder, current, TextBlockKind.Paragraph, frame.Preformatted);
                stack.Push(new Frame(element, 0, pre, heading ? TextBlockKind.Heading : TextBlockKind.Paragraph));
            }
            else
            {
                stack.Push(new Frame(element, 0, frame.Preformatted, FlushAs: null));
            }
        }
    }

    // An element being walked: the next child to visit, whether it is inside <pre>, and how its text is flushed at its
    // end (null: it is inline, its text runs on).
    private sealed record Frame(INode Node, int Next, bool Preformatted, TextBlockKind? FlushAs);

    // White space collapses over the whole block (as a browser renders it), except in <pre>.
    private static void Flush(BlockBuilder builder, StringBuilder current, TextBlockKind kind, bool preformatted)
    {
        string text = current.ToString();
        builder.Add(preformatted ? text : BlockBuilder.CollapseWhiteSpace(text), kind);
        current.Clear();
    }
}

using System.Text;

namespace Jasper.Ingestion.Extraction;

/// <summary>
/// Checks an HTML page's nesting and its number of elements before AngleSharp builds its tree, with one forward scan
/// of the tags that never recurses (the tree holds every element at once, hundreds of bytes each). AngleSharp checks
/// the open elements at every start tag, so its work grows with the square of the depth: 100,000 nested
/// <c>&lt;div&gt;</c>s (1.3 MB) took five minutes. The depth follows how browsers build the tree closely enough to
/// bound it: void elements, self-closing tags and elements whose end tag may be left out (<c>p</c>, <c>li</c>,
/// <c>td</c> ...) do not nest here, comments and the text of <c>script</c>, <c>style</c> and the like are skipped.
/// </summary>
internal static class HtmlInspector
{
    private static readonly HashSet<string> DoNotNest = new(StringComparer.OrdinalIgnoreCase)
    {
        // void elements
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr", "keygen", "basefont", "bgsound", "frame",

        // elements whose end tag may be omitted, and the document's own
        "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb", "rt", "rtc", "rp", "thead", "tbody", "tfoot", "colgroup", "caption", "html", "head", "body",
    };

    private static readonly HashSet<string> RawText = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext",
    };

    /// <summary>
    /// Throws <see cref="DocumentErrorKind.TooDeep"/> when the page nests deeper than <paramref name="maxDepth"/>, and
    /// <see cref="DocumentErrorKind.TooLarge"/> when it has more than <paramref name="maxElements"/> elements.
    /// </summary>
    public static void Inspect(ReadOnlySpan<byte> html, int maxDepth, int maxElements)
    {
        string text = Decode(html);
        int depth = 0, elements = 0;
        for (int i = text.IndexOf('<', StringComparison.Ordinal); i >= 0 && i + 1 < text.Length; i = text.IndexOf('<', i))
        {
            if (text.AsSpan(i).StartsWith("<!--", StringComparison.Ordinal))
            {
                int close = text.IndexOf("-->", i + 4, StringComparison.Ordinal);
                if (close < 0)
                {
                    return;
                }

                i = close + 3;
                continue;
            }

            bool closing = text[i + 1] == '/';
            int nameStart = i + (closing ? 2 : 1);
            int nameEnd = nameStart;
            while (nameEnd < text.Length && (char.IsAsciiLetterOrDigit(text[nameEnd]) || text[nameEnd] == '-'))
            {
                nameEnd++;
            }

            int end = text.IndexOf('>', i);
            if (end < 0)
            {
                return;
            }

            if (nameEnd == nameStart || !char.IsAsciiLetter(text[nameStart]))
            {
                i = end + 1; // <!DOCTYPE>, <?xml?>, or a '<' that opens no tag
                continue;
            }

            string name = text[nameStart..nameEnd];
            i = end + 1;
            if (closing)
            {
                if (!DoNotNest.Contains(name) && depth > 0)
                {
                    depth--;
                }

                continue;
            }

            if (++elements > maxElements)
            {
                throw new DocumentException(DocumentErrorKind.TooLarge, $"the page has more than {maxElements} elements");
            }

            if (RawText.Contains(name))
            {
                int close = text.IndexOf("</" + name, i, StringComparison.OrdinalIgnoreCase);
                if (close < 0)
                {
                    return;
                }

                i = close;
                continue;
            }

            if (!DoNotNest.Contains(name) && text[end - 1] != '/' && ++depth > maxDepth)
            {
                throw new DocumentException(DocumentErrorKind.TooDeep, $"the page nests elements more than {maxDepth} deep");
            }
        }
    }

    // Tags are ASCII: one char per byte reads them in any ASCII-compatible charset; UTF-16 is decoded as such.
    private static string Decode(ReadOnlySpan<byte> html) =>
        html.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) ? Encoding.Unicode.GetString(html)
        : html.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ? Encoding.BigEndianUnicode.GetString(html)
        : Encoding.Latin1.GetString(html);
}

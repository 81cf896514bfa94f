using System.Text.RegularExpressions;

namespace Jasper.Ingestion.Extraction;

/// <summary>PDF names as a reader compares them (ISO 32000-1, 7.3.5).</summary>
internal static partial class PdfNames
{
    /// <summary>
    /// <paramref name="text"/> with the <c>#xx</c> escapes of regular characters spelled out, as PdfPig reads them:
    /// <c>/Fl#61teDecode</c> is <c>/FlateDecode</c>. Escaped white space and delimiters stay escaped, so that spelling
    /// them out never splits or joins tokens.
    /// </summary>
    public static string SpelledOut(string text) =>
        !text.Contains('#', StringComparison.Ordinal) ? text
        : Escape().Replace(text, m => Regular((char)Convert.ToByte(m.Groups["hex"].Value, 16)) is char c ? c.ToString() : m.Value);

    private static char? Regular(char c) =>
        c is > ' ' and < '\x7f' and not ('(' or ')' or '<' or '>' or '[' or ']' or '{' or '}' or '/' or '%') ? c : null;

    [GeneratedRegex(@"#(?<hex>[0-9A-Fa-f]{2})", RegexOptions.CultureInvariant)]
    private static partial Regex Escape();
}

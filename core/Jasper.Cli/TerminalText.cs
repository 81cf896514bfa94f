using System.Text;

namespace Jasper.Cli;

/// <summary>
/// Text from documents (their names, their words, the reasons they failed) made safe to print: a control character
/// could otherwise retitle the terminal, clear it, ring its bell or overwrite what was printed (an escape, a carriage
/// return). Each becomes U+FFFD, visibly there, and nothing else changes. The index keeps the text as it was.
/// </summary>
internal static class TerminalText
{
    /// <summary>For a line: line breaks become U+FFFD too.</summary>
    public static string Line(string text) => Replace(text, keepLines: false);

    /// <summary>For a block of lines: line feeds and tabs stay (a carriage return before a line feed goes).</summary>
    public static string Block(string text) => Replace(text.Replace("\r\n", "\n", StringComparison.Ordinal), keepLines: true);

    private static string Replace(string text, bool keepLines)
    {
        if (!text.Any(char.IsControl))
        {
            return text;
        }

        var printable = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            printable.Append(!char.IsControl(c) || (keepLines && c is '\n' or '\t') ? c : '\uFFFD');
        }

        return printable.ToString();
    }
}

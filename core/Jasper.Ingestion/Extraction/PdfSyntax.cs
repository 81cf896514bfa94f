using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Jasper.Ingestion.Extraction;

/// <summary>
/// PDF syntax read as a tokenizer reads it (ISO 32000-1, 7.2), forward and without recursion: comments and strings may
/// hold any words, so an object ends at the first <c>endobj</c> or <c>stream</c> outside them, and patterns run
/// over a dictionary only once its comments are gone and its names spelled out.
/// </summary>
internal static class PdfSyntax
{
    /// <summary>
    /// Where the object whose body starts at <paramref name="at"/> ends: at its <c>endobj</c>, at its <c>stream</c>
    /// keyword (its data follows), or where the next object's header starts when it has no <c>endobj</c>; null when
    /// the text ends first. What it reads is taken from <paramref name="budget"/>, which bounds the work one file can
    /// cause when its strings never close (a body read to the end of the file, again and again).
    /// </summary>
    public static (int At, ObjectEnd End)? BodyEnd(string text, int at, ref long budget)
    {
        ArgumentNullException.ThrowIfNull(text);
        int i = at;
        int integers = 0, firstInteger = -1, secondInteger = -1; // the last two words, when they are whole numbers
        (int, ObjectEnd)? found = null;
        while (found is null && i < text.Length)
        {
            char c = text[i];
            if (c == '%')
            {
                i = LineEnd(text, i);
            }
            else if (c == '(')
            {
                i = LiteralEnd(text, i);
                integers = 0;
            }
            else if (c == '<')
            {
                i = HexEnd(text, i); // or past "<<"
                integers = 0;
            }
            else if (c == '/')
            {
                // A name, never a keyword: /stream is no stream.
                for (i++; i < text.Length && IsRegular(text[i]); i++)
                {
                }

                integers = 0;
            }
            else if (IsRegular(c))
            {
                int start = i;
                while (i < text.Length && IsRegular(text[i]))
                {
                    i++;
                }

                var word = text.AsSpan(start, i - start);
                if (word is "endobj")
                {
                    found = (start, ObjectEnd.EndObj);
                }
                else if (word is "stream")
                {
                    found = (start, ObjectEnd.Stream);
                }
                else if (word is "obj" && integers >= 2)
                {
                    found = (firstInteger, ObjectEnd.NextObject);
                }
                else if (IsInteger(word))
                {
                    (firstInteger, secondInteger, integers) = (secondInteger, start, integers + 1);
                }
                else
                {
                    integers = 0;
                }
            }
            else
            {
                integers = IsWhiteSpace(c) ? integers : 0;
                i++;
            }
        }

        budget -= i - at;
        if (budget < 0)
        {
            throw new DocumentException(DocumentErrorKind.Corrupt, "the PDF's objects cannot be told apart: strings or comments run on through the file");
        }

        return found;
    }

    /// <summary>
    /// <paramref name="text"/> with every comment outside strings turned to a space and the <c>#xx</c> escapes of
    /// names spelled out (<see cref="PdfNames.SpelledOut"/>), so that patterns read its keys and names as a
    /// tokenizer would.
    /// </summary>
    public static string Normalized(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains('%', StringComparison.Ordinal))
        {
            return PdfNames.SpelledOut(text);
        }

        var plain = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length;)
        {
            char c = text[i];
            int next = c == '(' ? LiteralEnd(text, i) : c == '<' ? HexEnd(text, i) : i + 1;
            if (c == '%')
            {
                plain.Append(' ');
                i = LineEnd(text, i);
                continue;
            }

            plain.Append(text, i, next - i);
            i = next;
        }

        return PdfNames.SpelledOut(plain.ToString());
    }

    /// <summary>
    /// The dictionary that opens at <paramref name="at"/> (<c>&lt;&lt;</c>) through its matching <c>&gt;&gt;</c>,
    /// strings and comments in it passed over; null when nothing opens there or it never closes.
    /// </summary>
    public static string? Dictionary(string text, int at)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (at < 0 || !text.AsSpan(at).StartsWith("<<"))
        {
            return null;
        }

        for (int i = at, depth = 0; i < text.Length;)
        {
            char c = text[i];
            if (c == '<' && i + 1 < text.Length && text[i + 1] == '<')
            {
                (depth, i) = (depth + 1, i + 2);
            }
            else if (c == '>' && i + 1 < text.Length && text[i + 1] == '>')
            {
                (depth, i) = (depth - 1, i + 2);
                if (depth == 0)
                {
                    return text[at..i];
                }
            }
            else
            {
                i = c == '(' ? LiteralEnd(text, i) : c == '<' ? HexEnd(text, i) : c == '%' ? LineEnd(text, i) : i + 1;
            }
        }

        return null;
    }

    /// <summary>
    /// The whole number <paramref name="dictionary"/> gives <paramref name="key"/> directly (not a reference to an
    /// object holding one), or null.
    /// </summary>
    public static long? Integer(string dictionary, string key)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        var entry = Regex.Match(dictionary, $@"/{Regex.Escape(key)}\s+(?<value>-?\d{{1,10}})(?![0-9.]|\s+\d{{1,5}}\s+R\b)", RegexOptions.CultureInvariant);
        return entry.Success ? long.Parse(entry.Groups["value"].ValueSpan, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>The object <paramref name="dictionary"/> gives <paramref name="key"/> as a reference (<c>/Key 12 0 R</c>), or null.</summary>
    public static long? Reference(string dictionary, string key)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        var entry = Regex.Match(dictionary, $@"/{Regex.Escape(key)}\s+(?<target>\d{{1,10}})\s+\d{{1,5}}\s+R\b", RegexOptions.CultureInvariant);
        return entry.Success ? long.Parse(entry.Groups["target"].ValueSpan, CultureInfo.InvariantCulture) : null;
    }

    // Past the ")" that closes the literal string opening at `at`, nested parentheses and escapes followed.
    private static int LiteralEnd(string text, int at)
    {
        int depth = 0;
        for (int i = at; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\\':
                    i++;
                    break;
                case '(':
                    depth++;
                    break;
                case ')' when --depth == 0:
                    return i + 1;
            }
        }

        return text.Length;
    }

    // Past the ">" that closes the hex string opening at `at`, or past "<<" when a dictionary opens there.
    private static int HexEnd(string text, int at)
    {
        if (at + 1 < text.Length && text[at + 1] == '<')
        {
            return at + 2;
        }

        int close = text.IndexOf('>', at);
        return close < 0 ? text.Length : close + 1;
    }

    private static int LineEnd(string text, int at)
    {
        int end = text.AsSpan(at).IndexOfAny('\r', '\n');
        return end < 0 ? text.Length : at + end;
    }

    private static bool IsInteger(ReadOnlySpan<char> word)
    {
        foreach (char c in word)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return word.Length is > 0 and <= 10;
    }

    /// <summary>PDF white space (ISO 32000-1, table 1): NUL, tab, line feed, form feed, carriage return and space.</summary>
    public static bool IsWhiteSpace(char c) => c is '\0' or '\t' or '\n' or '\f' or '\r' or ' ';

    /// <summary>A regular character: neither white space nor a delimiter (ISO 32000-1, 7.2.2), so part of a token.</summary>
    public static bool IsRegular(char c) => !IsWhiteSpace(c) && c is not ('(' or ')' or '<' or '>' or '[' or ']' or '{' or '}' or '/' or '%');

    /// <summary>The first index at or after <paramref name="at"/> that is not PDF white space.</summary>
    public static int SkipWhiteSpace(string text, int at)
    {
        ArgumentNullException.ThrowIfNull(text);
        while (at < text.Length && IsWhiteSpace(text[at]))
        {
            at++;
        }

        return at;
    }
}

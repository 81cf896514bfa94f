namespace Jasper.Ingestion.Extraction.PdfFilters;

/// <summary>PDF string objects (ISO 32000-1, 7.3.4) read from a file's text, one char per byte.</summary>
internal static class PdfStrings
{
    /// <summary>
    /// The bytes of the literal <c>( )</c> or hex <c>&lt; &gt;</c> string at <paramref name="at"/> in
    /// <paramref name="text"/> (white space before it skipped), or null when none starts there.
    /// </summary>
    public static byte[]? Read(string text, int at)
    {
        ArgumentNullException.ThrowIfNull(text);
        at = PdfSyntax.SkipWhiteSpace(text, at);
        return at >= text.Length ? null
            : text[at] == '(' ? Literal(text, at + 1)
            : text[at] == '<' && (at + 1 >= text.Length || text[at + 1] != '<') ? Hex(text, at + 1)
            : null;
    }

    private static byte[] Hex(string text, int at)
    {
        var bytes = new List<byte>();
        int high = -1;
        for (; at < text.Length && text[at] != '>'; at++)
        {
            int digit = HexDigit(text[at]);
            if (digit < 0)
            {
                continue; // white space
            }

            if (high < 0)
            {
                high = digit;
            }
            else
            {
                bytes.Add((byte)((high << 4) | digit));
                high = -1;
            }
        }

        if (high >= 0)
        {
            bytes.Add((byte)(high << 4));
        }

        return [.. bytes];
    }

    private static byte[] Literal(string text, int at)
    {
        var bytes = new List<byte>();
        for (int depth = 1; at < text.Length; at++)
        {
            char c = text[at];
            if (c == '\\' && at + 1 < text.Length)
            {
                char escaped = text[++at];
                switch (escaped)
                {
                    case 'n': bytes.Add((byte)'\n'); break;
                    case 'r': bytes.Add((byte)'\r'); break;
                    case 't': bytes.Add((byte)'\t'); break;
                    case 'b': bytes.Add((byte)'\b'); break;
                    case 'f': bytes.Add((byte)'\f'); break;
                    case '\r': at += at + 1 < text.Length && text[at + 1] == '\n' ? 1 : 0; break; // a line continued
                    case '\n': break;
                    case >= '0' and <= '7':
                        int value = escaped - '0';
                        for (int digits = 1; digits < 3 && at + 1 < text.Length && text[at + 1] is >= '0' and <= '7'; digits++)
                        {
                            value = (value * 8) + (text[++at] - '0');
                        }

                        bytes.Add((byte)value);
                        break;
                    default: bytes.Add((byte)escaped); break; // \( \) \\ and any other character stand for themselves
                }

                continue;
            }

            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth == 0)
            {
                break;
            }

            bytes.Add((byte)c);
        }

        return [.. bytes];
    }

    private static int HexDigit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}

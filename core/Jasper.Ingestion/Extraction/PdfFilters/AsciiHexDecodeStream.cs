namespace Jasper.Ingestion.Extraction.PdfFilters;

/// <summary><c>ASCIIHexDecode</c>: two hex digits a byte, white space skipped, <c>&gt;</c> the end (a lone last digit is followed by 0).</summary>
internal sealed class AsciiHexDecodeStream(Stream encoded) : FilterStream(encoded)
{
    private bool _done;

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        int written = 0;
        while (written < buffer.Length && !_done)
        {
            int high = NextDigit();
            int low = high < 0 ? -1 : NextDigit();
            if (high >= 0)
            {
                buffer[written++] = (byte)((high << 4) | Math.Max(low, 0));
            }

            _done = low < 0;
        }

        return written;
    }

    private int NextDigit()
    {
        while (true)
        {
            int b = NextByte();
            switch (b)
            {
                case < 0 or '>':
                    return -1;
                case >= '0' and <= '9':
                    return b - '0';
                case >= 'a' and <= 'f':
                    return b - 'a' + 10;
                case >= 'A' and <= 'F':
                    return b - 'A' + 10;
                default:
                    if (!PdfSyntax.IsWhiteSpace((char)b))
                    {
                        throw new InvalidDataException($"ASCIIHexDecode data holds the byte {b}, which is no hex digit");
                    }

                    break;
            }
        }
    }
}

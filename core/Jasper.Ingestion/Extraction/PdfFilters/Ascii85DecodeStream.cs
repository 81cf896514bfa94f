namespace Jasper.Ingestion.Extraction.PdfFilters;

/// <summary>
/// <c>ASCII85Decode</c>: five digits from <c>!</c> to <c>u</c> a four-byte group, <c>z</c> four zeros, white space
/// skipped, <c>~&gt;</c> the end; a last group of n digits gives n - 1 bytes.
/// </summary>
internal sealed class Ascii85DecodeStream(Stream encoded) : FilterStream(encoded)
{
    private readonly byte[] _group = new byte[4];
    private int _groupAt;
    private int _groupLength;
    private bool _done;

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        int written = 0;
        while (written < buffer.Length)
        {
            if (_groupAt < _groupLength)
            {
                buffer[written++] = _group[_groupAt++];
            }
            else if (_done || !NextGroup())
            {
                break;
            }
        }

        return written;
    }

    // Decodes the next group into _group; false at the end of the data.
    private bool NextGroup()
    {
        uint value = 0;
        int digits = 0;
        while (digits < 5)
        {
            int b = NextByte();
            if (b is < 0 or '~')
            {
                _done = true;
                break;
            }

            if (b == 'z' && digits == 0)
            {
                Array.Clear(_group);
                (_groupAt, _groupLength) = (0, 4);
                return true;
            }

            if (b is >= '!' and <= 'u')
            {
                value = unchecked((value * 85) + (uint)(b - '!'));
                digits++;
            }
            else if (!PdfSyntax.IsWhiteSpace((char)b))
            {
                throw new InvalidDataException($"ASCII85Decode data holds the byte {b}, which is no base-85 digit");
            }
        }

        if (digits < 2)
        {
            return false; // nothing, or one digit, which encodes no byte
        }

        for (int pad = digits; pad < 5; pad++)
        {
            value = unchecked((value * 85) + 84); // a short group is padded with the highest digit
        }

        for (int i = 3; i >= 0; i--, value >>= 8)
        {
            _group[i] = (byte)value;
        }

        (_groupAt, _groupLength) = (0, digits - 1);
        return true;
    }
}

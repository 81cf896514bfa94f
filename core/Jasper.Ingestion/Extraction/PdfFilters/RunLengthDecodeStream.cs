namespace Jasper.Ingestion.Extraction.PdfFilters;

/// <summary>
/// <c>RunLengthDecode</c>: a length byte L then L + 1 literal bytes (L below 128), or one byte repeated 257 - L times
/// (L above 128); 128 is the end. It grows data up to 64 times.
/// </summary>
internal sealed class RunLengthDecodeStream(Stream encoded) : FilterStream(encoded)
{
    private int _literal;
    private int _repeat;
    private byte _repeated;
    private bool _done;

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        int written = 0;
        while (written < buffer.Length)
        {
            if (_literal > 0)
            {
                int b = NextByte();
                _literal = b < 0 ? 0 : _literal - 1;
                _done |= b < 0;
                if (b >= 0)
                {
                    buffer[written++] = (byte)b;
                }
            }
            else if (_repeat > 0)
            {
                int count = Math.Min(_repeat, buffer.Length - written);
                buffer.Slice(written, count).Fill(_repeated);
                (written, _repeat) = (written + count, _repeat - count);
            }
            else if (_done || !NextRun())
            {
                break;
            }
        }

        return written;
    }

    // Reads the next length byte (and the byte a run repeats); false at the end of the data.
    private bool NextRun()
    {
        int length = NextByte();
        if (length is < 0 or 128)
        {
            _done = true;
            return false;
        }

        if (length < 128)
        {
            _literal = length + 1;
            return true;
        }

        int repeated = NextByte();
        if (repeated < 0)
        {
            _done = true;
            return false;
        }

        (_repeated, _repeat) = ((byte)repeated, 257 - length);
        return true;
    }
}

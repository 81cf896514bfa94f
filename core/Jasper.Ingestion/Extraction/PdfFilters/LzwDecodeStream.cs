namespace Jasper.Ingestion.Extraction.PdfFilters;

/// <summary>
/// <c>LZWDecode</c>: codes of 9 to 12 bits, most significant bit first; 256 clears the table, 257 ends the data, and
/// the code width grows one code early unless <c>/EarlyChange 0</c>. One code can stand for thousands of bytes, so
/// a few kilobytes of LZW data can decode to megabytes.
/// </summary>
internal sealed class LzwDecodeStream : FilterStream
{
    private const int Clear = 256;
    private const int End = 257;
    private const int TableSize = 4096;

    private readonly int _earlyChange;

    // The table: each code's prefix code, first byte, last byte and length; codes below 256 are the bytes themselves.
    private readonly short[] _prefix = new short[TableSize];
    private readonly byte[] _first = new byte[TableSize];
    private readonly byte[] _last = new byte[TableSize];
    private readonly short[] _length = new short[TableSize];

    // The bytes of the code being written out.
    private readonly byte[] _entry = new byte[TableSize];
    private int _entryAt;
    private int _entryLength;

    private int _next = 258;
    private int _width = 9;
    private int _previous = -1;
    private int _bits;
    private int _bitCount;
    private bool _done;

    /// <summary>A decoder of <paramref name="encoded"/>; <paramref name="earlyChange"/> is the stream's <c>/EarlyChange</c> (1 unless it says 0).</summary>
    public LzwDecodeStream(Stream encoded, int earlyChange)
        : base(encoded)
    {
        _earlyChange = earlyChange;
        for (int b = 0; b < 256; b++)
        {
            (_prefix[b], _first[b], _last[b], _length[b]) = (-1, (byte)b, (byte)b, 1);
        }
    }

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        int written = 0;
        while (written < buffer.Length)
        {
            if (_entryAt < _entryLength)
            {
                int count = Math.Min(_entryLength - _entryAt, buffer.Length - written);
                _entry.AsSpan(_entryAt, count).CopyTo(buffer[written..]);
                (written, _entryAt) = (written + count, _entryAt + count);
            }
            else if (_done || !NextCode())
            {
                break;
            }
        }

        return written;
    }

    // Reads the next code and spells it into _entry; false at the end of the data.
    private bool NextCode()
    {
        int code = ReadCode();
        if (code is < 0 or End)
        {
            _done = true;
            return false;
        }

        if (code == Clear)
        {
            (_next, _width, _previous, _entryLength) = (258, 9, -1, 0);
            return true;
        }

        if (_previous < 0)
        {
            if (code > 255)
            {
                throw new InvalidDataException($"LZWDecode data starts with code {code}, which its table does not hold yet");
            }
        }
        else if (code <= _next)
        {
            if (code == _next && _next >= TableSize)
            {
                throw new InvalidDataException("LZWDecode data runs past a full table without clearing it");
            }

            // code == _next is the one case where a code names the entry it makes: the previous entry and its first byte.
            byte last = code < _next ? _first[code] : _first[_previous];
            if (_next < TableSize)
            {
                (_prefix[_next], _first[_next], _last[_next], _length[_next]) = ((short)_previous, _first[_previous], last, (short)(_length[_previous] + 1));
                _next++;
            }
        }
        else
        {
            throw new InvalidDataException($"LZWDecode data holds code {code}, past the {_next} its table holds");
        }

        Spell(code);
        _previous = code;
        if (_next + _earlyChange >= 1 << _width && _width < 12)
        {
            _width++;
        }

        return true;
    }

    private void Spell(int code)
    {
        _entryLength = _length[code];
        for (int i = _entryLength - 1; i >= 0; i--, code = _prefix[code])
        {
            _entry[i] = _last[code];
        }

        _entryAt = 0;
    }

    private int ReadCode()
    {
        while (_bitCount < _width)
        {
            int b = NextByte();
            if (b < 0)
            {
                return -1;
            }

            (_bits, _bitCount) = ((_bits << 8) | b, _bitCount + 8);
        }

        _bitCount -= _width;
        int code = (_bits >> _bitCount) & ((1 << _width) - 1);
        _bits &= (1 << _bitCount) - 1;
        return code;
    }
}

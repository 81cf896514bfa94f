namespace Jasper.Ingestion.Extraction.PdfFilters;

/// <summary>RC4 over the stream it reads: how revisions 2 and 3 of the PDF standard security handler encrypt (and decrypt) a stream.</summary>
internal sealed class Rc4Stream : FilterStream
{
    private readonly byte[] _state = new byte[256];
    private int _i;
    private int _j;

    /// <summary>Decrypts <paramref name="encrypted"/> with <paramref name="key"/> (1 to 256 bytes).</summary>
    public Rc4Stream(Stream encrypted, ReadOnlySpan<byte> key)
        : base(encrypted)
    {
        for (int i = 0; i < 256; i++)
        {
            _state[i] = (byte)i;
        }

        for (int i = 0, j = 0; i < 256; i++)
        {
            j = (j + _state[i] + key[i % key.Length]) & 255;
            (_state[i], _state[j]) = (_state[j], _state[i]);
        }
    }

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        int written = 0;
        for (int b; written < buffer.Length && (b = NextByte()) >= 0; written++)
        {
            _i = (_i + 1) & 255;
            _j = (_j + _state[_i]) & 255;
            (_state[_i], _state[_j]) = (_state[_j], _state[_i]);
            buffer[written] = (byte)(b ^ _state[(_state[_i] + _state[_j]) & 255]);
        }

        return written;
    }
}

namespace Jasper.Ingestion.Extraction.PdfFilters;

/// <summary>
/// One PDF stream filter decoding the stream it reads, forward only, so that what a chain of filters unpacks can be
/// counted as it is read and is never held whole. Data a filter cannot decode throws
/// <see cref="InvalidDataException"/>, as <see cref="System.IO.Compression.ZLibStream"/> does.
/// </summary>
internal abstract class FilterStream(Stream encoded) : ForwardStream(encoded)
{
    private readonly byte[] _input = new byte[4096];
    private int _at;
    private int _end;

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>Decodes into <paramref name="buffer"/>; 0 only at the end of the data.</summary>
    public abstract override int Read(Span<byte> buffer);

    /// <summary>The next encoded byte, or -1 at the end; read through a buffer, as the decoders go a byte at a time.</summary>
    protected int NextByte()
    {
        if (_at == _end)
        {
            (_at, _end) = (0, Inner.Read(_input));
            if (_end == 0)
            {
                return -1;
            }
        }

        return _input[_at++];
    }
}

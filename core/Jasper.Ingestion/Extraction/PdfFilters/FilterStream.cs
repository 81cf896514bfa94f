namespace Jasper.Ingestion.Extraction.PdfFilters;

/// <summary>
/// One PDF stream filter decoding the stream it reads, forward only, so that what a chain of filters unpacks can be
/// counted as it is read and is never held whole. Data a filter cannot decode throws
/// <see cref="InvalidDataException"/>, as <see cref="System.IO.Compression.ZLibStream"/> does.
/// </summary>
internal abstract class FilterStream(Stream encoded) : Stream
{
    private readonly byte[] _input = new byte[4096];
    private int _at;
    private int _end;

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>Decodes into <paramref name="buffer"/>; 0 only at the end of the data.</summary>
    public abstract override int Read(Span<byte> buffer);

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>The next encoded byte, or -1 at the end; read through a buffer, as the decoders go a byte at a time.</summary>
    protected int NextByte()
    {
        if (_at == _end)
        {
            (_at, _end) = (0, encoded.Read(_input));
            if (_end == 0)
            {
                return -1;
            }
        }

        return _input[_at++];
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            encoded.Dispose();
        }

        base.Dispose(disposing);
    }
}

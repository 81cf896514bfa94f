namespace Jasper.Ingestion.Extraction;

/// <summary>
/// Reads at most a budget of bytes from a stream and throws what <c>overBudget</c> makes once a read goes past it,
/// so that what a reader holds stays bounded whatever the stream turns out to hold (an unpacked ZIP part, a document
/// of unknown length). Forward only.
/// </summary>
internal sealed class BoundedStream(Stream inner, long budget, Func<Exception> overBudget) : Stream
{
    /// <summary>The bytes read so far.</summary>
    public long BytesRead { get; private set; }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    /// <summary>
    /// <paramref name="stream"/> bounded to <paramref name="budget"/> bytes: checked at once by its length when it can
    /// seek (and then returned as it is, still seekable, as parsers that jump about need it), else as it is read.
    /// </summary>
    public static Stream Of(Stream stream, long budget, Func<Exception> overBudget)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(overBudget);
        if (!stream.CanSeek)
        {
            return new BoundedStream(stream, budget, overBudget);
        }

        if (stream.Length - stream.Position > budget)
        {
            stream.Dispose();
            throw overBudget();
        }

        return stream;
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer) => Counted(inner.Read(buffer));

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Counted(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

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

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private int Counted(int read)
    {
        BytesRead += read;
        return BytesRead > budget ? throw overBudget() : read;
    }
}

namespace Jasper.Ingestion.Extraction;

/// <summary>
/// Reads at most a budget of bytes from a stream and throws what <c>overBudget</c> makes once a read goes past it,
/// so that what a reader holds stays bounded whatever the stream turns out to hold (an unpacked ZIP part, a document
/// of unknown length). Forward only.
/// </summary>
internal sealed class BoundedStream(Stream inner, long budget, Func<Exception> overBudget) : ForwardStream(inner)
{
    /// <summary>The bytes read so far.</summary>
    public long BytesRead { get; private set; }

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
    public override int Read(byte[] buffer, int offset, int count) => Counted(Inner.Read(buffer, offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer) => Counted(Inner.Read(buffer));

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Counted(await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Counted(int read)
    {
        BytesRead += read;
        return BytesRead > budget ? throw overBudget() : read;
    }
}

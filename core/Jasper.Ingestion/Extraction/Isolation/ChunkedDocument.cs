using System.Buffers.Binary;

namespace Jasper.Ingestion.Extraction.Isolation;

/// <summary>
/// A document's bytes on a worker's standard input, which stays open for the next document: chunks, each its length
/// (four bytes) and its bytes, ended by a chunk of length zero. The parent sends it as it reads the document, whose
/// length it may not know; the worker reads it as this stream, which ends where the document does.
/// </summary>
internal sealed class ChunkedDocument(Stream input) : ForwardStream(input, leaveOpen: true)
{
    private const int ChunkBytes = 81_920;

    private readonly byte[] _length = new byte[4];
    private int _left; // of the current chunk
    private bool _ended;

    /// <summary>
    /// Sends <paramref name="content"/> to <paramref name="input"/>. Returns false when the worker has stopped reading
    /// (the pipe broke); an error reading the document is the caller's.
    /// </summary>
    public static async Task<bool> SendAsync(Stream content, Stream input, CancellationToken cancellationToken)
    {
        var buffer = new byte[4 + ChunkBytes];
        while (true)
        {
            int read = await content.ReadAsync(buffer.AsMemory(4, ChunkBytes), cancellationToken).ConfigureAwait(false);
            BinaryPrimitives.WriteInt32LittleEndian(buffer, read);
            try
            {
                await input.WriteAsync(buffer.AsMemory(0, 4 + read), cancellationToken).ConfigureAwait(false);
                await input.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                return false;
            }

            if (read == 0)
            {
                return true;
            }
        }
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        while (!_ended && _left == 0)
        {
            Inner.ReadExactly(_length);
            _left = BinaryPrimitives.ReadInt32LittleEndian(_length);
            _ended = _left == 0;
            if (_left is < 0 or > ChunkBytes)
            {
                throw new InvalidDataException($"a document chunk claims {_left} bytes");
            }
        }

        if (_ended || buffer.IsEmpty)
        {
            return 0;
        }

        int read = Inner.Read(buffer[..Math.Min(buffer.Length, _left)]);
        if (read == 0)
        {
            throw new EndOfStreamException("the document ended inside a chunk");
        }

        _left -= read;
        return read;
    }
}

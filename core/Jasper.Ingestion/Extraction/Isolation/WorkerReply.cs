using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Jasper.Ingestion.Extraction.Isolation;

/// <summary>
/// One message from a worker on its standard output: a text block, the document's failure, an error of the worker's
/// own, or the end. Each is a tag byte, and for all but the end a kind byte and UTF-16 text with its length in chars,
/// in this machine's byte order (both ends are on it): UTF-16 carries a block's text exactly, an unpaired surrogate
/// included, as it would be in one process.
/// </summary>
internal abstract record WorkerReply
{
    // Far above any block a document within the limits yields: a longer length is a broken stream, not a block.
    private const int MaxChars = 1 << 29;

    private const byte BlockTag = (byte)'B';
    private const byte RefusalTag = (byte)'R';
    private const byte FailureTag = (byte)'F';
    private const byte EndTag = (byte)'E';

    /// <summary>Writes the message to <paramref name="stream"/>.</summary>
    public Task WriteToAsync(Stream stream, CancellationToken cancellationToken) => this switch
    {
        Block block => WriteAsync(stream, BlockTag, (byte)block.Value.Kind, block.Value.Text, cancellationToken),
        Refusal refusal => WriteAsync(stream, RefusalTag, (byte)refusal.Kind, refusal.Message, cancellationToken),
        Failure failure => WriteAsync(stream, FailureTag, 0, failure.Message, cancellationToken),
        _ => stream.WriteAsync(new[] { EndTag }, cancellationToken).AsTask(),
    };

    /// <summary>The next message, or null when the stream ends before one starts (the worker has exited).</summary>
    public static async Task<WorkerReply?> ReadFromAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new byte[6];
        if (await stream.ReadAtLeastAsync(head.AsMemory(0, 1), 1, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) == 0)
        {
            return null;
        }

        if (head[0] == EndTag)
        {
            return new End();
        }

        await stream.ReadExactlyAsync(head.AsMemory(1, 5), cancellationToken).ConfigureAwait(false);
        int chars = BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(2));
        if (chars is < 0 or > MaxChars)
        {
            throw new InvalidDataException($"a worker's message claims {chars} characters");
        }

        var bytes = new byte[chars * sizeof(char)];
        await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        var text = new string(MemoryMarshal.Cast<byte, char>(bytes));
        return head[0] switch
        {
            BlockTag => new Block(new TextBlock(text, (TextBlockKind)head[1])),
            RefusalTag => new Refusal((DocumentErrorKind)head[1], text),
            FailureTag => new Failure(text),
            _ => throw new InvalidDataException($"a worker's message has the unknown tag {head[0]}"),
        };
    }

    private static async Task WriteAsync(Stream stream, byte tag, byte kind, string text, CancellationToken cancellationToken)
    {
        var head = new byte[6];
        head[0] = tag;
        head[1] = kind;
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(2), text.Length);
        await stream.WriteAsync(head, cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(MemoryMarshal.AsBytes(text.AsSpan()).ToArray(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A text block, in order.</summary>
    public sealed record Block(TextBlock Value) : WorkerReply;

    /// <summary>The document cannot be ingested: what a <see cref="DocumentException"/> says in one process.</summary>
    public sealed record Refusal(DocumentErrorKind Kind, string Message) : WorkerReply;

    /// <summary>The worker failed for a reason other than the document's (a defect, an I/O error).</summary>
    public sealed record Failure(string Message) : WorkerReply;

    /// <summary>Every block has been sent.</summary>
    public sealed record End : WorkerReply;
}

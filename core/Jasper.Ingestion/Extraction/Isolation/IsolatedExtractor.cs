using System.Globalization;
using System.Runtime.CompilerServices;

namespace Jasper.Ingestion.Extraction.Isolation;

/// <summary>
/// Extracts one format in a worker process (<see cref="ExtractionIsolation"/>), started for each document: the
/// document is streamed to it, its blocks stream back. A worker that dies, overruns its time or is abandoned is
/// stopped; the document fails with the reason, and this process goes on.
/// </summary>
internal sealed class IsolatedExtractor(FileFormat format, ExtractionOptions options) : IDocumentExtractor
{
    /// <inheritdoc />
    public FileFormat Format => format;

    /// <inheritdoc />
    public async IAsyncEnumerable<TextBlock> ExtractAsync(Stream content, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var worker = WorkerProcess.Start(options.Isolation);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Isolation.Timeout);
        await SendAsync(worker, content, deadline.Token, cancellationToken).ConfigureAwait(false);
        while (await ReceiveAsync(worker, deadline.Token, cancellationToken).ConfigureAwait(false) is { } block)
        {
            yield return block;
        }
    }

    // Writes the request and the document, then closes the worker's input so that it sees the document's end. A worker
    // that dies while reading breaks the pipe; sending stops there, and its exit, read after its last reply, says why.
    // Reading the document may fail on its own (a blob's connection drops): that error is the caller's.
    private async Task SendAsync(WorkerProcess worker, Stream content, CancellationToken deadline, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new MemoryStream();
            new WorkerRequest(format, options).WriteTo(request);
            if (!await TryWriteAsync(worker.Input, request.GetBuffer().AsMemory(0, (int)request.Length), deadline).ConfigureAwait(false))
            {
                return;
            }

            var buffer = new byte[81_920];
            int read;
            while ((read = await content.ReadAsync(buffer, deadline).ConfigureAwait(false)) > 0)
            {
                if (!await TryWriteAsync(worker.Input, buffer.AsMemory(0, read), deadline).ConfigureAwait(false))
                {
                    return;
                }
            }

            worker.Input.Close();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut();
        }
    }

    // Whether the bytes reached the worker (false: it has ended).
    private static async Task<bool> TryWriteAsync(Stream input, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        try
        {
            await input.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await input.FlushAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    // The next block, or null at the end; a refusal, a failure or the worker's death throw.
    private async Task<TextBlock?> ReceiveAsync(WorkerProcess worker, CancellationToken deadline, CancellationToken cancellationToken)
    {
        WorkerReply? reply;
        try
        {
            reply = await WorkerReply.ReadFromAsync(worker.Output, deadline).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut();
        }
        catch (EndOfStreamException)
        {
            reply = null; // it died part way through a reply
        }

        return reply switch
        {
            WorkerReply.Block block => block.Value,
            WorkerReply.End => null,
            WorkerReply.Refusal refusal => throw new DocumentException(refusal.Kind, refusal.Message),
            WorkerReply.Failure failure => throw new InvalidOperationException($"the extraction worker failed: {failure.Message}"),
            _ => throw await worker.DiedAsync(cancellationToken).ConfigureAwait(false),
        };
    }

    private DocumentException TimedOut() => new(DocumentErrorKind.TooLarge,
        string.Create(CultureInfo.InvariantCulture, $"parsing it took longer than the {options.Isolation.Timeout.TotalSeconds:0.#} seconds an extraction worker may take"));
}

using System.Globalization;
using System.Runtime.CompilerServices;

namespace Jasper.Ingestion.Extraction.Isolation;

/// <summary>
/// Extracts one format in worker processes (<see cref="ExtractionIsolation"/>): the document streams to a worker while
/// its blocks stream back. A worker that dies, overruns its time or is abandoned is stopped; the document fails with
/// the reason, and this process goes on. One that finishes cleanly waits for the next document
/// (<see cref="WorkerPool"/>).
/// </summary>
internal sealed class IsolatedExtractor(FileFormat format, ExtractionOptions options) : IDocumentExtractor
{
    /// <inheritdoc />
    public FileFormat Format => format;

    /// <inheritdoc />
    public async IAsyncEnumerable<TextBlock> ExtractAsync(Stream content, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var pool = options.Isolation.Pool;
        var worker = pool.Rent();
        bool clean = false;
        try
        {
            worker.BeginDocument();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

            // Sent beside the replies: a parser may answer before it has read everything, and neither pipe may fill
            // while the other waits.
            var sending = SendAsync(worker, content, deadline.Token);
            while (true)
            {
                // The time runs while this side waits, not while the caller holds a block (chunking it, say).
                deadline.CancelAfter(options.Isolation.Timeout);
                var reply = await ReceiveAsync(worker, sending, deadline.Token, cancellationToken).ConfigureAwait(false);
                if (reply is WorkerReply.Block block)
                {
                    yield return block.Value;
                    continue;
                }

                await sending.ConfigureAwait(false);
                clean = true; // an end, a refusal or a failure, all said in full: the worker is ready for the next
                switch (reply)
                {
                    case WorkerReply.Refusal refusal:
                        throw new DocumentException(refusal.Kind, refusal.Message);
                    case WorkerReply.Failure failure:
                        throw new InvalidOperationException(failure.Message); // the reason reads as it would in one process

                    default:
                        yield break;
                }
            }
        }
        finally
        {
            if (clean)
            {
                pool.Return(worker);
            }
            else
            {
                worker.Dispose();
            }
        }
    }

    // The request, then the document. A worker that died while reading broke the pipe: sending stops there, and its
    // replies end early. Reading the document may fail on its own (a blob's connection drops): that error is the
    // caller's.
    private async Task SendAsync(WorkerProcess worker, Stream content, CancellationToken cancellationToken)
    {
        using var request = new MemoryStream();
        new WorkerRequest(format, options).WriteTo(request);
        try
        {
            await worker.Input.WriteAsync(request.GetBuffer().AsMemory(0, (int)request.Length), cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            return;
        }

        await ChunkedDocument.SendAsync(content, worker.Input, cancellationToken).ConfigureAwait(false);
    }

    // The next reply. Sending that fails (the document could not be read) ends the document with its error; a worker
    // whose replies end before the last one has died, and its exit says why.
    private async Task<WorkerReply> ReceiveAsync(WorkerProcess worker, Task sending, CancellationToken deadline, CancellationToken cancellationToken)
    {
        try
        {
            var receiving = WorkerReply.ReadFromAsync(worker.Output, deadline);
            if (await Task.WhenAny(receiving, sending).ConfigureAwait(false) == sending && sending.IsFaulted)
            {
                worker.Stop();
                _ = receiving.ContinueWith(r => r.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                await sending.ConfigureAwait(false); // throws the document's error
            }

            return await receiving.ConfigureAwait(false) ?? throw await worker.DiedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException)
        {
            throw await worker.DiedAsync(cancellationToken).ConfigureAwait(false); // it died part way through a reply
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut();
        }
    }

    private DocumentException TimedOut() => new(DocumentErrorKind.TooLarge,
        string.Create(CultureInfo.InvariantCulture, $"parsing it took longer than the {options.Isolation.Timeout.TotalSeconds:0.#} seconds an extraction worker may go without answering"));
}

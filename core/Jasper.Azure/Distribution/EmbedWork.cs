using Jasper.Azure.Storage;
using Jasper.Ingestion.Chunking;
using Jasper.Ingestion.Extraction;
using Jasper.Ingestion.Pipeline;
using Jasper.Ingestion.Sinks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Jasper.Azure.Distribution;

/// <summary>
/// What the EmbedWorker triggers do with a work item: embed the part's chunks into the sink and record the part.
/// The worker that records a document's last part commits the sink (removing stale chunks), marks the document
/// complete (exactly once, however often messages are delivered) with its completion event in the outbox, and sends
/// the event (at least once: a later delivery or the sweep sends what a failure left). Failures are rethrown for the
/// queue to retry; on the last delivery the reason goes into the document's status and the message into the
/// poison queue. Items of a superseded version, or of a document already complete or removed, are dropped; a worker
/// that finds its document removed after it wrote (its blob deleted meanwhile) clears the document from the sink again.
/// </summary>
public sealed partial class EmbedWork
{
    private readonly DocumentEventOutbox _outbox;
    private readonly DistributionContext _context;
    private readonly ILogger _logger;

    internal EmbedWork(DistributionContext context, DocumentEventOutbox outbox, ILogger<EmbedWork>? logger = null)
    {
        _context = context;
        _outbox = outbox;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Processes one delivery of a message from <paramref name="queue"/> (its text, already base64-decoded).</summary>
    public async Task ProcessAsync(string message, long dequeueCount, string queue, CancellationToken cancellationToken = default)
    {
        WorkItem item;
        try
        {
            item = WorkItem.Decode(message);
        }
        catch (FormatException ex)
        {
            await PoisonAsync(queue, message, ex.Message, cancellationToken).ConfigureAwait(false);
            return;
        }

        var status = await _context.Status.GetAsync(item.DocumentId, cancellationToken).ConfigureAwait(false);
        if (status?.Version == item.Version && status.State == DocumentProgressState.Complete)
        {
            // Delivered again after the document completed: perhaps because its completion event could not be sent.
            await AnnounceAsync(item, dequeueCount, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (status?.Version != item.Version || status.State != DocumentProgressState.Queued)
        {
            LogDropped(_logger, item.DocumentId, item.FirstChunk, status?.State);
            return;
        }

        try
        {
            await EmbedAsync(item, dequeueCount, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && dequeueCount >= _context.Options.MaxDequeueCount)
        {
            string reason = $"part {item.FirstChunk}–{item.FirstChunk + item.ChunkCount - 1} failed {dequeueCount} times: {DocumentException.ReasonFor(ex)}";
            // Only a document still queued at this version fails: a newer version, or a completion, stands.
            if (await _context.Status.MarkFailedAsync(item.DocumentId, item.Version, reason, cancellationToken).ConfigureAwait(false))
            {
                _context.Metrics.DocumentEnded(DocumentStatus.Failed, (ex as DocumentException)?.Kind);
            }

            await PoisonAsync(queue, message, reason, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task EmbedAsync(WorkItem item, long dequeueCount, CancellationToken cancellationToken)
    {
        var encoder = await _context.Host.WaitReadyAsync(cancellationToken).ConfigureAwait(false);
        var pipeline = _context.Pipeline(encoder, out var sink);
        var chunks = await ReadPartAsync(item, cancellationToken).ConfigureAwait(false);
        var plan = item.ToPlan();
        var part = await pipeline.EmbedPartAsync(plan, chunks, cancellationToken).ConfigureAwait(false);
        var (done, totals) = await _context.Status.CompletePartAsync(item, part, cancellationToken).ConfigureAwait(false);
        if (done < item.Parts)
        {
            await RemoveIfDeletedAsync(item, sink, cancellationToken).ConfigureAwait(false);
            return;
        }

        await sink.CommitAsync(plan.Document, item.TotalChunks, cancellationToken).ConfigureAwait(false);
        var embedded = new DocumentEmbeddedEvent
        {
            DocumentId = item.DocumentId,
            Version = item.Version,
            Source = item.Source,
            Chunks = totals.Chunks,
            Tokens = totals.Tokens,
            CompressedTokens = totals.CompressedTokens,
            CompletedAt = DateTimeOffset.UtcNow,
        };
        if (await _context.Status.MarkCompleteAsync(item.DocumentId, item.Version, totals, embedded, cancellationToken).ConfigureAwait(false))
        {
            LogComplete(_logger, item.Source, totals.Chunks, totals.Tokens);
            _context.Metrics.DocumentEnded(DocumentStatus.Succeeded);
            await AnnounceAsync(item, dequeueCount, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await RemoveIfDeletedAsync(item, sink, cancellationToken).ConfigureAwait(false);
        }
    }

    // A document removed (its blob deleted) while this part was embedded may have been cleared from the sink before
    // this worker wrote or committed: the removal marks the status first and clears the sink after, and this reads the
    // status after writing, so one of the two always clears what was written.
    private async Task RemoveIfDeletedAsync(WorkItem item, IVectorSink sink, CancellationToken cancellationToken)
    {
        if ((await _context.Status.GetAsync(item.DocumentId, cancellationToken).ConfigureAwait(false))?.State == DocumentProgressState.Removed)
        {
            await sink.RemoveAsync(item.DocumentId, cancellationToken).ConfigureAwait(false);
            LogRemovedWhileEmbedded(_logger, item.Source);
        }
    }

    // Sends the document's pending completion event, then removes the version's chunk sets. A send that fails is
    // retried with the message; on its last delivery the event is left in the outbox for the sweep.
    private async Task AnnounceAsync(WorkItem item, long dequeueCount, CancellationToken cancellationToken)
    {
        try
        {
            await _outbox.SendAsync(item.DocumentId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && dequeueCount >= _context.Options.MaxDequeueCount)
        {
            LogAnnounceDeferred(_logger, item.DocumentId, ex.Message);
        }

        await DeleteRunsAsync(item, cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<TextChunk>> ReadPartAsync(WorkItem item, CancellationToken cancellationToken)
    {
        var chunks = new List<TextChunk>(item.ChunkCount);
        await using var stream = await _context.Work.GetBlobClient(item.ChunkSet).OpenReadAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await foreach (var chunk in ChunkSetSerializer.ReadAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            chunks.Add(chunk);
        }

        bool matches = chunks.Count == item.ChunkCount && chunks[0].Index == item.FirstChunk;
        return matches ? chunks : throw new DocumentException(DocumentErrorKind.Failed, $"{item.ChunkSet} does not hold chunks {item.FirstChunk}–{item.FirstChunk + item.ChunkCount - 1}");
    }

    // The chunk sets of every run of a completed version are no longer needed.
    private Task DeleteRunsAsync(WorkItem item, CancellationToken cancellationToken) =>
        _context.Work.DeleteBlobsAsync(WorkBlobs.Version(item.DocumentId, item.Version), select: null, cancellationToken);

    private async Task PoisonAsync(string queue, string message, string reason, CancellationToken cancellationToken)
    {
        var poison = _context.Queues.GetQueueClient(WorkQueues.Poison(queue));
        await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await poison.SendMessageAsync(message, cancellationToken).ConfigureAwait(false);
        LogPoisoned(_logger, queue, reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped a work item of {DocumentId} (part {FirstChunk}): the document is {State} or at another version")]
    private static partial void LogDropped(ILogger logger, string documentId, int firstChunk, DocumentProgressState? state);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Source} again: its blob was deleted while it was embedded")]
    private static partial void LogRemovedWhileEmbedded(ILogger logger, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Completed {Source}: {Chunks} chunks, {Tokens} tokens")]
    private static partial void LogComplete(ILogger logger, string source, int chunks, long tokens);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The completion event of {DocumentId} could not be sent on the message's last delivery ({Reason}); the sweep sends it")]
    private static partial void LogAnnounceDeferred(ILogger logger, string documentId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Moved a message of {Queue} to its poison queue: {Reason}")]
    private static partial void LogPoisoned(ILogger logger, string queue, string reason);
}

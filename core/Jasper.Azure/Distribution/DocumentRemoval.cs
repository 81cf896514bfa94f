using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Jasper.Azure.Storage;
using Jasper.Ingestion.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Jasper.Azure.Distribution;

/// <summary>
/// What happens when a document is deleted from the documents container. Event Grid writes a
/// <c>Microsoft.Storage.BlobDeleted</c> event to the <see cref="Queue"/> queue, and the sweep drains it
/// (<see cref="RemoveDeletedAsync"/>). For each deleted document:
/// <list type="number">
/// <item>the status becomes <see cref="DocumentProgressState.Removed"/>, so workers drop its work items from then on,
/// and a worker that completes it meanwhile removes what it committed (<see cref="EmbedWork"/>);</item>
/// <item>its vectors leave the sink, every version (<see cref="Ingestion.Sinks.IVectorSink.RemoveAsync"/>);</item>
/// <item>its chunk sets leave the work container;</item>
/// <item>a <see cref="DocumentRemovedEvent"/> goes into its outbox, in the transaction that records the removal as
/// finished, and out to the event publisher (a document never recorded is removed silently).</item>
/// </list>
/// A removal that fails part way leaves the status removed and unfinished; a later delivery of its deletion, or the
/// reconciliation (<see cref="DocumentReconciliation"/>), finishes it.
/// A blob that exists when its deletion is read was uploaded again since, and is left to its own upload event; one
/// uploaded again while it was being removed is planned again here, since the removal may have undone that upload's
/// planning (and so is one that exists while its status says removed, which only a failed re-planning leaves).
/// Events are read as Event Grid writes them (<see cref="BlobDeletedEvent"/>); one that cannot be read, or whose
/// removal failed <see cref="DistributionOptions.MaxDequeueCount"/> times, goes to the poison queue
/// (<c>documents-deleted-poison</c>) with the reason in the log.
/// </summary>
public sealed partial class DocumentRemoval
{
    /// <summary>The queue Event Grid writes BlobDeleted events of the documents container to.</summary>
    public const string Queue = "documents-deleted";

    // How long a message being handled stays hidden from another sweep: past any one removal, and past the sweep's
    // interval, so that a failed removal is tried again by the next sweep, not by this one.
    private static readonly TimeSpan HandlingTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Removals (and a reconciliation's checks) in flight at once: each is a few storage requests, so a mass deletion
    /// drains in minutes, not hours.
    /// </summary>
    internal const int Parallelism = 8;

    private readonly DistributionContext _context;
    private readonly BlobServiceClient _blobs;
    private readonly QueueClient _events;
    private readonly QueueClient _poison;
    private readonly BlobIngestion _ingestion;
    private readonly DocumentEventOutbox _outbox;
    private readonly ILogger _logger;

    internal DocumentRemoval(DistributionContext context, BlobServiceClient blobs, QueueServiceClient eventQueues, BlobIngestion ingestion, DocumentEventOutbox outbox, ILogger<DocumentRemoval>? logger = null)
    {
        _context = context;
        _blobs = blobs;
        _events = eventQueues.GetQueueClient(Queue);
        _poison = eventQueues.GetQueueClient(WorkQueues.Poison(Queue));
        _ingestion = ingestion;
        _outbox = outbox;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Handles every deletion waiting on <see cref="Queue"/>; returns how many documents it removed.</summary>
    public async Task<int> RemoveDeletedAsync(CancellationToken cancellationToken = default)
    {
        if (!await _events.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        int removed = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken };

        // A message whose removal fails stays hidden for HandlingTimeout, so the loop ends when every visible one was handled.
        while ((await _events.ReceiveMessagesAsync(32, HandlingTimeout, cancellationToken).ConfigureAwait(false)).Value is { Length: > 0 } batch)
        {
            await Parallel.ForEachAsync(batch, parallel, async (message, token) => Interlocked.Add(ref removed, await HandleAsync(message, token).ConfigureAwait(false))).ConfigureAwait(false);
        }

        return removed;
    }

    /// <summary>
    /// Removes the document of a deleted blob, or finishes its removal where an earlier try failed part way. True when
    /// this call moved a recorded document to removed; false when the blob exists (it was uploaded again: nothing is
    /// removed), when the document was removed already (an earlier try, or another delivery of the same deletion), or
    /// when none was recorded.
    /// </summary>
    /// <param name="blob">The deleted blob.</param>
    /// <param name="removalId">
    /// Names this removal in its <see cref="DocumentRemovedEvent"/> (the deletion event's id, so that retries announce
    /// it once); a new id when null.
    /// </param>
    /// <param name="cancellationToken">Cancels the removal; what was done stays done, and removing again finishes it.</param>
    public async Task<bool> RemoveAsync(BlobClient blob, string? removalId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        string source = blob.Uri.AbsoluteUri;
        string documentId = DocumentIds.FromSource(source);
        if (await blob.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            LogUploadedAgain(_logger, source);
            if ((await _context.Status.GetAsync(documentId, cancellationToken).ConfigureAwait(false))?.State == DocumentProgressState.Removed)
            {
                // An earlier try of this removal saw the upload land mid-removal and failed to plan it: plan it now.
                LogPlannedAgain(_logger, source);
                await _ingestion.IngestAsync(blob, cancellationToken).ConfigureAwait(false);
            }

            return false;
        }

        // The status first: from here on no worker embeds it, and one completing it now removes what it committed.
        var (before, unfinished) = await _context.Status.MarkRemovedAsync(documentId, cancellationToken).ConfigureAwait(false);
        await _context.Sinks.RemoveAsync(documentId, cancellationToken).ConfigureAwait(false);
        await _context.Work.DeleteBlobsAsync(WorkBlobs.Document(documentId), select: null, cancellationToken).ConfigureAwait(false);
        LogRemoved(_logger, source, before?.State);
        bool removedNow = before is { State: not DocumentProgressState.Removed };
        if (removedNow)
        {
            _context.Metrics.DocumentRemoved(); // once, not on every try of the same removal
        }

        if (removedNow || unfinished)
        {
            // Only now is the removal finished: until then the reconciliation finds it and tries it again.
            var removed = new DocumentRemovedEvent { DocumentId = documentId, Version = before!.Version, Source = source, RemovalId = removalId ?? Guid.NewGuid().ToString("N"), RemovedAt = DateTimeOffset.UtcNow };
            await _context.Status.FinishRemovalAsync(removed, cancellationToken).ConfigureAwait(false);
            await AnnounceAsync(documentId, cancellationToken).ConfigureAwait(false);
        }

        if (await blob.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            // Uploaded again while this removed it: that upload's planning may have been marked removed, or its
            // vectors deleted, so it is planned again (the model is needed only here).
            LogPlannedAgain(_logger, source);
            await _ingestion.IngestAsync(blob, cancellationToken).ConfigureAwait(false);
        }

        return removedNow;
    }

    // Returns how many documents the message's events removed; deletes the message once all are handled.
    private async Task<int> HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        List<BlobDeletedEvent> deletions;
        try
        {
            deletions = BlobDeletedEvent.Parse(message.Body.ToString());
        }
        catch (FormatException ex)
        {
            await PoisonAsync(message, ex.Message, cancellationToken).ConfigureAwait(false);
            return 0;
        }

        int removed = 0;
        try
        {
            foreach (var deletion in deletions)
            {
                var blob = _blobs.GetBlobContainerClient(deletion.Container).GetBlobClient(deletion.Name);
                removed += await RemoveAsync(blob, deletion.EventId, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Removing again is harmless, so the whole message is tried again; after the last try it is kept aside.
            if (message.DequeueCount >= _context.Options.MaxDequeueCount)
            {
                await PoisonAsync(message, $"removal failed {message.DequeueCount} times: {ex.Message}", cancellationToken).ConfigureAwait(false);
            }
            else
            {
                LogRetried(_logger, message.MessageId, message.DequeueCount, ex.Message);
            }

            return removed;
        }

        await DeleteHandledAsync(message, cancellationToken).ConfigureAwait(false);
        return removed;
    }

    // The removal is done and its event recorded: a send that fails is left to the sweep, which sends every pending event.
    private async Task AnnounceAsync(string documentId, CancellationToken cancellationToken)
    {
        try
        {
            await _outbox.SendAsync(documentId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogAnnounceDeferred(_logger, documentId, ex.Message);
        }
    }

    // A removal slower than the message's hiding time lets another pass receive it again: that pass deleted it (404),
    // or holds it now (its pop receipt replaced this one's) and will handle it again, which is harmless.
    private async Task DeleteHandledAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await _events.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404 || ex.ErrorCode == "PopReceiptMismatch")
        {
            LogHandledElsewhere(_logger, message.MessageId);
        }
    }

    private async Task PoisonAsync(QueueMessage message, string reason, CancellationToken cancellationToken)
    {
        await _poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await _poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
        await DeleteHandledAsync(message, cancellationToken).ConfigureAwait(false);
        LogPoisoned(_logger, _poison.Name, reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Source} (it was {State}): its blob was deleted")]
    private static partial void LogRemoved(ILogger logger, string source, DocumentProgressState? state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The removal event of {DocumentId} could not be sent ({Reason}); the sweep sends it")]
    private static partial void LogAnnounceDeferred(ILogger logger, string documentId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deletion message {MessageId} was received again by another pass while this one handled it")]
    private static partial void LogHandledElsewhere(ILogger logger, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kept {Source}: it was deleted, then uploaded again")]
    private static partial void LogUploadedAgain(ILogger logger, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Source} was uploaded again while it was being removed; planning it again")]
    private static partial void LogPlannedAgain(ILogger logger, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removal of deletion message {MessageId} failed (try {DequeueCount}); the next sweep tries again: {Reason}")]
    private static partial void LogRetried(ILogger logger, string messageId, long dequeueCount, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Moved a deletion message to {Queue}: {Reason}")]
    private static partial void LogPoisoned(ILogger logger, string queue, string reason);
}

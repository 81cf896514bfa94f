using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues.Models;
using Jasper.Ingestion.Pipeline;
using Jasper.Ingestion.Policy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Jasper.Azure.Distribution;

/// <summary>
/// What the Sweep timer does: remove the documents deleted from the documents container, and finish what failures
/// left behind, so that no document stays "queued" for ever and no completion goes unannounced.
/// <list type="bullet">
/// <item>Deleted documents are removed first (<see cref="DocumentRemoval"/>), so none of them is queued again.</item>
/// <item>A part the Functions runtime moved to a poison queue without our code recording why (the worker was killed
/// on every delivery: out of memory, or past the function timeout) fails its document with that reason.</item>
/// <item>A queued document with no part finished for <see cref="DistributionOptions.StuckAfter"/> (a work item lost
/// between recording and queueing, or a message gone) gets its missing parts queued again from the run's manifest,
/// at most <see cref="DistributionOptions.MaxRequeues"/> times; then it fails with the reason.</item>
/// <item>Completion events still in the outbox are sent.</item>
/// </list>
/// Every status change is conditional, so a sweep racing a worker (or another sweep) never overwrites its progress.
/// </summary>
public sealed partial class DocumentSweep
{
    // How long a poison message read by the sweep stays hidden: long enough for one pass to read them all once.
    private static readonly TimeSpan PoisonReadTimeout = TimeSpan.FromMinutes(2);

    private readonly DistributionContext _context;
    private readonly DocumentEventOutbox _outbox;
    private readonly DocumentRemoval _removal;
    private readonly ILogger _logger;

    internal DocumentSweep(DistributionContext context, DocumentEventOutbox outbox, DocumentRemoval removal, ILogger<DocumentSweep>? logger = null)
    {
        _context = context;
        _outbox = outbox;
        _removal = removal;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Runs every step once; returns what it did.</summary>
    public async Task<SweepReport> SweepAsync(CancellationToken cancellationToken = default)
    {
        int removed = await _removal.RemoveDeletedAsync(cancellationToken).ConfigureAwait(false);
        int failed = await FailPoisonedAsync(cancellationToken).ConfigureAwait(false);
        var (requeued, stuck) = await RequeueStuckAsync(cancellationToken).ConfigureAwait(false);
        int sent = await _outbox.SendAsync(documentId: null, cancellationToken).ConfigureAwait(false);
        return new SweepReport(failed + stuck, requeued, sent, removed);
    }

    private async Task<int> FailPoisonedAsync(CancellationToken cancellationToken)
    {
        int failed = 0;
        foreach (string queue in WorkQueues.All)
        {
            var poison = _context.Queues.GetQueueClient(WorkQueues.Poison(queue));
            if (!await poison.ExistsAsync(cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            // Received in batches until none is left visible (a peek sees only the first 32), and never deleted: each
            // reappears after the visibility timeout, so the poison queue keeps them for whoever investigates.
            var messages = new List<QueueMessage>();
            while ((await poison.ReceiveMessagesAsync(32, PoisonReadTimeout, cancellationToken).ConfigureAwait(false)).Value is { Length: > 0 } batch)
            {
                messages.AddRange(batch);
            }

            foreach (var message in messages)
            {
                WorkItem item;
                try
                {
                    item = WorkItem.Decode(message.MessageText);
                }
                catch (FormatException)
                {
                    continue;
                }

                string reason = $"part {item.FirstChunk}–{item.FirstChunk + item.ChunkCount - 1} never finished in {_context.Options.MaxDequeueCount} deliveries " +
                    $"(the worker stopped each time: out of memory, or past the function timeout); its message is in {poison.Name}";
                if (await _context.Status.MarkFailedAsync(item.DocumentId, item.Version, reason, cancellationToken).ConfigureAwait(false))
                {
                    LogFailed(_logger, item.DocumentId, reason);
                    _context.Metrics.DocumentEnded(DocumentStatus.Failed);
                    failed++;
                }
            }
        }

        return failed;
    }

    private async Task<(int Requeued, int Failed)> RequeueStuckAsync(CancellationToken cancellationToken)
    {
        int requeued = 0;
        int failed = 0;
        var now = DateTimeOffset.UtcNow;
        foreach (var queued in await _context.Status.QueuedAsync(cancellationToken).ConfigureAwait(false))
        {
            var progress = queued.Progress;
            if (progress.Version is not string version)
            {
                continue;
            }

            var (done, lastPart) = await _context.Status.PartsDoneAsync(progress.DocumentId, version, cancellationToken).ConfigureAwait(false);
            var lastProgress = lastPart > queued.Written ? lastPart : queued.Written;
            if (lastProgress is null || now - lastProgress < _context.Options.StuckAfter)
            {
                continue;
            }

            var items = await ManifestAsync(progress, version, cancellationToken).ConfigureAwait(false);
            var missing = items?.Where(i => !done.Contains(i.FirstChunk)).ToList();
            string? reason = items is null ? "its work items are gone from the work container"
                : progress.Requeues >= _context.Options.MaxRequeues ? $"parts were still missing after it was re-queued {progress.Requeues} times"
                : null;
            if (reason is not null)
            {
                if (await _context.Status.TryWriteAsync(progress with { State = DocumentProgressState.Failed, Error = $"stuck in queued: {reason}" }, queued, cancellationToken).ConfigureAwait(false))
                {
                    LogFailed(_logger, progress.DocumentId, reason);
                    _context.Metrics.DocumentEnded(DocumentStatus.Failed);
                    failed++;
                }

                continue;
            }

            // Counted first, conditionally: a worker's progress or another sweep since the read makes this one step back.
            if (missing!.Count == 0 || !await _context.Status.TryWriteAsync(progress with { Requeues = progress.Requeues + 1 }, queued, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            var queue = _context.Queues.GetQueueClient(WorkQueues.For(IngestPriorities.Parse(missing[0].Priority)));
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var item in missing)
            {
                await queue.SendMessageAsync((item with { Attempt = item.Attempt + progress.Requeues + 1 }).Encode(), cancellationToken).ConfigureAwait(false);
            }

            LogRequeued(_logger, progress.DocumentId, missing.Count, progress.Requeues + 1);
            requeued += missing.Count;
        }

        return (requeued, failed);
    }

    // The work items of the run that recorded this version (the manifest whose items match the recorded parts).
    private async Task<List<WorkItem>?> ManifestAsync(DocumentProgress progress, string version, CancellationToken cancellationToken)
    {
        await foreach (var blob in _context.Work.GetBlobsAsync(BlobTraits.None, BlobStates.None, WorkBlobs.Version(progress.DocumentId, version), cancellationToken).ConfigureAwait(false))
        {
            if (!blob.Name.EndsWith("/" + WorkBlobs.ManifestName, StringComparison.Ordinal))
            {
                continue;
            }

            var content = await _context.Work.GetBlobClient(blob.Name).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            var items = content.Value.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(WorkItem.Decode).ToList();
            if (items.Count == progress.Parts)
            {
                return items;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep: failed {DocumentId}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string documentId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep: queued {Parts} missing parts of {DocumentId} again (re-queue {Requeues})")]
    private static partial void LogRequeued(ILogger logger, string documentId, int parts, int requeues);
}

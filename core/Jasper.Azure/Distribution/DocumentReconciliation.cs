using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Jasper.Azure.Storage;
using Jasper.Ingestion.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Jasper.Azure.Distribution;

/// <summary>
/// What the hourly Reconcile timer does: brings the status table back in line with the documents container when Event
/// Grid's events did not (it gives up after a day of failed deliveries, and blobs uploaded or deleted before the app
/// was deployed had none), once every <see cref="DistributionOptions.ReconcileInterval"/>, in two passes,
/// <see cref="DocumentRemoval.Parallelism"/> checks at a time:
/// <list type="number">
/// <item>every document recorded and not removed (or whose removal did not finish) whose blob is gone is removed
/// (<see cref="DocumentRemoval"/>): one existence check per document;</item>
/// <item>every blob of the container with no status, or changed since its status was last written, is planned
/// (<see cref="BlobIngestion"/>, which leaves a version it already holds alone): one status read per blob.</item>
/// </list>
/// The passes go a page (<see cref="DistributionOptions.ReconcilePageSize"/>) at a time and save their place after each
/// (<see cref="ReconcileCheckpoint"/>); a run stops after <see cref="DistributionOptions.ReconcileRunTime"/> and the
/// next resumes there, so a corpus too large for one run, or a run the host stops, is still covered in full. A document
/// whose check or removal fails holds up no other: it is logged, counted in the report, and tried again by the next
/// reconciliation (its status still says it needs to be).
/// Only sources that are this account's blob URLs, as the app writes them, are checked: a changed endpoint skips
/// documents rather than removing them.
/// </summary>
public sealed partial class DocumentReconciliation
{
    // Timer runs fire a little early or late: a reconciliation that started at 03:30:00.2 is due again at 03:30:00.1.
    private static readonly TimeSpan TimerJitter = TimeSpan.FromMinutes(5);

    private readonly DistributionContext _context;
    private readonly BlobServiceClient _blobs;
    private readonly DocumentRemoval _removal;
    private readonly BlobIngestion _ingestion;
    private readonly ReconcileCheckpoint _checkpoint;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    internal DocumentReconciliation(
        DistributionContext context, BlobServiceClient blobs, DocumentRemoval removal, BlobIngestion ingestion, ReconcileCheckpoint checkpoint,
        TimeProvider? time = null, ILogger<DocumentReconciliation>? logger = null)
    {
        _context = context;
        _blobs = blobs;
        _removal = removal;
        _ingestion = ingestion;
        _checkpoint = checkpoint;
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Goes on with the reconciliation of <paramref name="documents"/> (the container uploads go to) where the last run
    /// stopped, or starts one when it is due, until it finishes or the run time is up; returns what this run did.
    /// </summary>
    public async Task<ReconcileReport> ReconcileAsync(BlobContainerClient documents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var options = _context.Options;
        if (options.ReconcilePageSize < 1)
        {
            throw new InvalidOperationException($"Jasper:Distribution:ReconcilePageSize must be at least 1, not {options.ReconcilePageSize}.");
        }

        var started = _time.GetUtcNow();
        var (cursor, etag) = await _checkpoint.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (cursor is null || (cursor.Finished is not null && started - cursor.Started >= options.ReconcileInterval - TimerJitter))
        {
            cursor = ReconcileCursor.Start(started);
        }
        else if (cursor.Finished is not null)
        {
            return new ReconcileReport(0, 0, ReconcileOutcome.NotDue);
        }

        // What this run did is how far the reconciliation's totals moved since it began.
        var first = cursor;
        int failed = 0;
        ReconcileReport Report(ReconcileOutcome outcome) => new(cursor.Removed - first.Removed, cursor.Planned - first.Planned, outcome, failed);
        while (true)
        {
            var page = cursor.Pass == ReconcilePass.Removals
                ? await RemoveGoneAsync(cursor.Continuation, options.ReconcilePageSize, cancellationToken).ConfigureAwait(false)
                : await PlanMissedAsync(documents, cursor.Continuation, options.ReconcilePageSize, cancellationToken).ConfigureAwait(false);
            failed += page.Failed;
            cursor = cursor.After(page.Done, page.Next, _time.GetUtcNow());
            if (await _checkpoint.TryWriteAsync(cursor, etag, cancellationToken).ConfigureAwait(false) is not { } written)
            {
                LogOverlapped(_logger);
                return Report(ReconcileOutcome.Paused);
            }

            etag = written;
            if (cursor.Finished is not null)
            {
                LogFinished(_logger, cursor.Started, cursor.Removed, cursor.Planned);
                return Report(ReconcileOutcome.Finished);
            }

            if (_time.GetUtcNow() - started >= options.ReconcileRunTime)
            {
                LogPaused(_logger, cursor.Started, cursor.Pass);
                return Report(ReconcileOutcome.Paused);
            }
        }
    }

    // One page of the removals pass: the documents it removed and failed to check or remove, and where the next page starts.
    private async Task<(int Done, int Failed, string? Next)> RemoveGoneAsync(string? continuation, int pageSize, CancellationToken cancellationToken)
    {
        var (documents, next) = await _context.Status.RemovalCandidatesPageAsync(continuation, pageSize, cancellationToken).ConfigureAwait(false);
        var (removed, failed) = await CheckAsync(documents, recorded => recorded.Progress.Source, async (recorded, token) =>
        {
            var document = recorded.Progress;
            // A removal an earlier try left unfinished counts when this one finishes it.
            if (Blob(document.Source) is { } blob && !await blob.ExistsAsync(token).ConfigureAwait(false)
                && (await _removal.RemoveAsync(blob, $"reconciled:{document.Version}", token).ConfigureAwait(false) || recorded.RemovalPending))
            {
                LogRemoved(_logger, document.Source);
                return true;
            }

            return false;
        }, cancellationToken).ConfigureAwait(false);
        return (removed, failed, next);
    }

    // One page of the uploads pass: the blobs it planned and failed to check or plan, and where the next page starts.
    private async Task<(int Done, int Failed, string? Next)> PlanMissedAsync(BlobContainerClient documents, string? continuation, int pageSize, CancellationToken cancellationToken)
    {
        if (!await documents.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return (0, 0, null);
        }

        var (blobs, next) = await documents.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix: null, cancellationToken).PageAsync(continuation, pageSize).ConfigureAwait(false);
        var (planned, failed) = await CheckAsync(blobs, item => documents.GetBlobClient(item.Name).Uri.AbsoluteUri, async (item, token) =>
        {
            var blob = documents.GetBlobClient(item.Name);
            var recorded = await _context.Status.ReadAsync(DocumentIds.FromSource(blob.Uri.AbsoluteUri), token).ConfigureAwait(false);
            bool missed = recorded is null || recorded.Progress.State == DocumentProgressState.Removed
                || item.Properties.LastModified > recorded.Written;
            if (!missed)
            {
                return false;
            }

            LogPlanned(_logger, blob.Uri.AbsoluteUri, recorded?.Progress.State);
            // A version the status already holds comes back as it was recorded: only a new record counts.
            var progress = await _ingestion.IngestAsync(blob, token).ConfigureAwait(false);
            return progress.State == DocumentProgressState.Queued && progress != recorded?.Progress;
        }, cancellationToken).ConfigureAwait(false);
        return (planned, failed, next);
    }

    // Runs check on every item, DocumentRemoval.Parallelism at a time; counts the items it did something to, and those
    // it failed on. A failure is logged and left to the next reconciliation, so that one bad document holds up no other.
    private async Task<(int Done, int Failed)> CheckAsync<T>(IEnumerable<T> items, Func<T, string> source, Func<T, CancellationToken, Task<bool>> check, CancellationToken cancellationToken)
    {
        int done = 0, failed = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = DocumentRemoval.Parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(items, parallel, async (item, token) =>
        {
            try
            {
                if (await check(item, token).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref done);
                }
            }
            catch (Exception ex) when (!token.IsCancellationRequested)
            {
                LogFailed(_logger, source(item), ex);
                Interlocked.Increment(ref failed);
            }
        }).ConfigureAwait(false);
        return (done, failed);
    }

    // The blob a recorded source names, through this app's client, when the source is exactly that blob's URL.
    private BlobClient? Blob(string source)
    {
        if (BlobUrl.Parse(source) is not var (container, name))
        {
            return null;
        }

        var blob = _blobs.GetBlobContainerClient(container).GetBlobClient(name);
        return blob.Uri.AbsoluteUri == source ? blob : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciled {Source}: its blob is gone but no deletion event said so")]
    private static partial void LogRemoved(ILogger logger, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciled {Source}: no upload event planned it (status {State}); planning it")]
    private static partial void LogPlanned(ILogger logger, string source, DocumentProgressState? state);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciling {Source} failed; the next reconciliation tries it again")]
    private static partial void LogFailed(ILogger logger, string source, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The reconciliation started at {Started} finished: {Removed} documents removed, {Planned} planned")]
    private static partial void LogFinished(ILogger logger, DateTimeOffset started, int removed, int planned);

    [LoggerMessage(Level = LogLevel.Information, Message = "The reconciliation started at {Started} paused in its {Pass} pass for its run time; the next run resumes there")]
    private static partial void LogPaused(ILogger logger, DateTimeOffset started, ReconcilePass pass);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Another run of the reconciliation saved its place since this one read it; this one stops")]
    private static partial void LogOverlapped(ILogger logger);
}

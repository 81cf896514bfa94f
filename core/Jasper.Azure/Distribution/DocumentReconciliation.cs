using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Jasper.Azure.Storage;
using Jasper.Ingestion.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Jasper.Azure.Distribution;

/// <summary>
/// What the daily Reconcile timer does: brings the status table back in line with the documents container when Event
/// Grid's events did not (it gives up after a day of failed deliveries, and blobs uploaded or deleted before the app
/// was deployed had none), in two passes, <see cref="DocumentRemoval.Parallelism"/> checks at a time:
/// <list type="number">
/// <item>every document recorded and not removed whose blob is gone is removed (<see cref="DocumentRemoval"/>): one
/// existence check per document;</item>
/// <item>every blob of the container with no status, or changed since its status was last written, is planned
/// (<see cref="BlobIngestion"/>, which leaves a version it already holds alone): one status read per blob.</item>
/// </list>
/// Only sources that are this account's blob URLs, as the app writes them, are checked: a changed endpoint skips
/// documents rather than removing them.
/// </summary>
public sealed partial class DocumentReconciliation
{
    private readonly DistributionContext _context;
    private readonly BlobServiceClient _blobs;
    private readonly DocumentRemoval _removal;
    private readonly BlobIngestion _ingestion;
    private readonly ILogger _logger;

    internal DocumentReconciliation(DistributionContext context, BlobServiceClient blobs, DocumentRemoval removal, BlobIngestion ingestion, ILogger<DocumentReconciliation>? logger = null)
    {
        _context = context;
        _blobs = blobs;
        _removal = removal;
        _ingestion = ingestion;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Runs both passes over <paramref name="documents"/> (the container uploads go to); returns what they did.</summary>
    public async Task<ReconcileReport> ReconcileAsync(BlobContainerClient documents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        int removed = await RemoveGoneAsync(cancellationToken).ConfigureAwait(false);
        int planned = await PlanMissedAsync(documents, cancellationToken).ConfigureAwait(false);
        return new ReconcileReport(removed, planned);
    }

    private async Task<int> RemoveGoneAsync(CancellationToken cancellationToken)
    {
        int removed = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = DocumentRemoval.Parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(_context.Status.NotRemovedAsync(cancellationToken), parallel, async (recorded, token) =>
        {
            var document = recorded.Progress;
            if (Blob(document.Source) is { } blob && !await blob.ExistsAsync(token).ConfigureAwait(false)
                && await _removal.RemoveAsync(blob, $"reconciled:{document.Version}", token).ConfigureAwait(false))
            {
                LogRemoved(_logger, document.Source);
                Interlocked.Increment(ref removed);
            }
        }).ConfigureAwait(false);
        return removed;
    }

    private async Task<int> PlanMissedAsync(BlobContainerClient documents, CancellationToken cancellationToken)
    {
        if (!await documents.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        int planned = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = DocumentRemoval.Parallelism, CancellationToken = cancellationToken };
        var items = documents.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix: null, cancellationToken);
        await Parallel.ForEachAsync(items, parallel, async (item, token) =>
        {
            var blob = documents.GetBlobClient(item.Name);
            var recorded = await _context.Status.ReadAsync(DocumentIds.FromSource(blob.Uri.AbsoluteUri), token).ConfigureAwait(false);
            bool missed = recorded is null || recorded.Progress.State == DocumentProgressState.Removed
                || item.Properties.LastModified > recorded.Written;
            if (missed)
            {
                LogPlanned(_logger, blob.Uri.AbsoluteUri, recorded?.Progress.State);
                // A version the status already holds comes back as it was recorded: only a new record counts.
                var progress = await _ingestion.IngestAsync(blob, token).ConfigureAwait(false);
                if (progress.State == DocumentProgressState.Queued && progress != recorded?.Progress)
                {
                    Interlocked.Increment(ref planned);
                }
            }
        }).ConfigureAwait(false);
        return planned;
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
}

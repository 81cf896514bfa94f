using Azure.Storage.Blobs;
using Jasper.Azure.Distribution;
using Microsoft.Azure.Functions.Worker;

namespace Jasper.Functions;

/// <summary>
/// Every hour, goes on with (or, once a day, starts) bringing the status back in line with the documents container
/// where Event Grid's events did not (see <see cref="DocumentReconciliation"/>). Hourly so that a reconciliation too
/// long for one run (<c>Jasper:Distribution:ReconcileRunTime</c>, within host.json's function timeout) resumes soon,
/// and so that a new deployment is reconciled within the hour.
/// </summary>
public sealed class Reconcile(DocumentReconciliation reconciliation, BlobServiceClient blobs)
{
    [Function(nameof(Reconcile))]
    public Task Run([TimerTrigger("0 30 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        reconciliation.ReconcileAsync(blobs.GetBlobContainerClient(BlobIngestion.DocumentsContainer), cancellationToken);
}

using Azure.Storage.Blobs;
using Jasper.Azure.Distribution;
using Microsoft.Azure.Functions.Worker;

namespace Jasper.Functions;

/// <summary>
/// Once a day, brings the status back in line with the documents container where Event Grid's events did not
/// (see <see cref="DocumentReconciliation"/>).
/// </summary>
public sealed class Reconcile(DocumentReconciliation reconciliation, BlobServiceClient blobs)
{
    [Function(nameof(Reconcile))]
    public Task Run([TimerTrigger("0 30 3 * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        reconciliation.ReconcileAsync(blobs.GetBlobContainerClient(BlobIngestion.DocumentsContainer), cancellationToken);
}

using Azure.Storage.Blobs;
using Jasper.Azure.Distribution;
using Microsoft.Azure.Functions.Worker;

namespace Jasper.Functions;

/// <summary>An upload to <c>documents</c> (announced by Event Grid) is planned and its parts queued.</summary>
public sealed class BlobIngest(BlobIngestion ingestion)
{
    [Function(nameof(BlobIngest))]
    public Task Run(
        [BlobTrigger(BlobIngestion.DocumentsContainer + "/{name}", Source = BlobTriggerSource.EventGrid, Connection = "AzureWebJobsStorage")] BlobClient blob,
        CancellationToken cancellationToken) => ingestion.IngestAsync(blob, cancellationToken);
}

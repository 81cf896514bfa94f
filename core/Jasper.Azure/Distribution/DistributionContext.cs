using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Jasper.Azure.Sinks;
using Jasper.Ingestion.Pipeline;
using Jasper.Serving.Hosting;

namespace Jasper.Azure.Distribution;

/// <summary>What both stages of distributed ingestion (<see cref="BlobIngestion"/>, <see cref="EmbedWork"/>) work with.</summary>
/// <param name="Host">The model.</param>
/// <param name="Sinks">Where vectors go.</param>
/// <param name="Work">The container of chunk-set parts (<see cref="DistributionOptions.WorkContainer"/>).</param>
/// <param name="Queues">The work queues.</param>
/// <param name="Status">Document and part status.</param>
/// <param name="Ingestion">Extraction, chunking and policy settings.</param>
/// <param name="Options">Containers, part size and retries.</param>
internal sealed record DistributionContext(
    ModelHost Host, IVectorSinkFactory Sinks, BlobContainerClient Work, QueueServiceClient Queues, DocumentStatusStore Status,
    IngestionOptions Ingestion, DistributionOptions Options);

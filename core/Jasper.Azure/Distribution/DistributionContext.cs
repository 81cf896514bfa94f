using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Jasper.Azure.Sinks;
using Jasper.Embeddings.Inference;
using Jasper.Ingestion.Pipeline;
using Jasper.Ingestion.Sinks;
using Jasper.Ingestion.Telemetry;
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
/// <param name="Metrics">What ingestion counts.</param>
internal sealed record DistributionContext(
    ModelHost Host, IVectorSinkFactory Sinks, BlobContainerClient Work, QueueServiceClient Queues, DocumentStatusStore Status,
    IngestionOptions Ingestion, DistributionOptions Options, IngestionMetrics Metrics)
{
    /// <summary>A pipeline over the loaded encoder, writing to a sink of its dimensions and counting in <see cref="Metrics"/>.</summary>
    public IngestionPipeline Pipeline(JasperEncoder encoder, out IVectorSink sink)
    {
        sink = Sinks.Create(encoder.Dimensions);
        return new IngestionPipeline(encoder, sink, Ingestion, metrics: Metrics);
    }
}

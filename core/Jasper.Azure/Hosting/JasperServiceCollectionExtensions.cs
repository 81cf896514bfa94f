using System.Diagnostics.Metrics;
using Azure.Messaging.ServiceBus;
using Azure.Search.Documents.Indexes;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Jasper.Azure.Distribution;
using Jasper.Azure.Sinks;
using Jasper.Ingestion.Telemetry;
using Jasper.Serving.Api;
using Jasper.Serving.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Jasper.Azure.Hosting;

/// <summary>Registers the services a Jasper host calls: the model host, the HTTP API and the distributed ingestion.</summary>
public static class JasperServiceCollectionExtensions
{
    /// <summary>
    /// Adds Jasper's services, configured from the <c>Jasper</c> section and the storage account of
    /// <c>AzureWebJobsStorage</c>, then by <paramref name="configure"/> when given (what configuration cannot say, such
    /// as the host program that parses documents in worker processes). The model starts loading when the host starts.
    /// </summary>
    public static IServiceCollection AddJasper(this IServiceCollection services, IConfiguration configuration, Action<JasperOptions>? configure = null)
    {
        var options = new JasperOptions();
        configuration.GetSection(JasperOptions.Section).Bind(options);
        configure?.Invoke(options);
        string? clientId = configuration["AzureWebJobsStorage:clientId"] ?? configuration["AZURE_CLIENT_ID"];

        services.AddSingleton(options);
        services.AddSingleton(options.Distribution);
        services.AddSingleton(options.Ingestion);
        services.AddSingleton(_ => StorageAccount.FromConfiguration(configuration));
        services.AddSingleton(sp => sp.GetRequiredService<StorageAccount>().Blobs);
        services.AddSingleton(sp => sp.GetRequiredService<StorageAccount>().Queues);
        services.AddSingleton(sp => new ModelHost(options.Model, ModelSource(options.Model, sp), sp.GetRequiredService<ILoggerFactory>(), sp.GetService<IMeterFactory>()));
        services.AddSingleton(sp => new IngestionMetrics(sp.GetService<IMeterFactory>()));
        services.AddSingleton(sp => new WorkQueueDepths(sp.GetRequiredService<QueueServiceClient>(), sp.GetService<IMeterFactory>()));
        services.AddHostedService<Starter>();
        services.AddSingleton(sp => new EmbeddingApi(sp.GetRequiredService<ModelHost>(), options.Api, options.Ingestion.Compression, sp.GetRequiredService<ILogger<EmbeddingApi>>()));
        services.AddSingleton(sp => new DocumentStatusStore(sp.GetRequiredService<StorageAccount>().Tables.GetTableClient(options.Distribution.StatusTable)));
        services.AddSingleton(sp => CreateSinkFactory(options, sp.GetRequiredService<StorageAccount>(), clientId));
        services.AddSingleton(sp => CreatePublisher(options.Events, clientId));
        services.AddSingleton(sp => new DistributionContext(
            sp.GetRequiredService<ModelHost>(), sp.GetRequiredService<IVectorSinkFactory>(),
            sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(options.Distribution.WorkContainer), sp.GetRequiredService<QueueServiceClient>(),
            sp.GetRequiredService<DocumentStatusStore>(), options.Ingestion, options.Distribution, sp.GetRequiredService<IngestionMetrics>()));
        services.AddSingleton(sp => new BlobIngestion(sp.GetRequiredService<DistributionContext>(), sp.GetRequiredService<ILogger<BlobIngestion>>()));
        services.AddSingleton(sp => new DocumentEventOutbox(sp.GetRequiredService<DocumentStatusStore>(), sp.GetRequiredService<IDocumentEventPublisher>(), sp.GetRequiredService<ILogger<DocumentEventOutbox>>()));
        services.AddSingleton(sp => new EmbedWork(sp.GetRequiredService<DistributionContext>(), sp.GetRequiredService<DocumentEventOutbox>(), sp.GetRequiredService<ILogger<EmbedWork>>()));
        services.AddSingleton(sp => new DocumentRemoval(
            sp.GetRequiredService<DistributionContext>(), sp.GetRequiredService<BlobServiceClient>(), sp.GetRequiredService<StorageAccount>().EventQueues,
            sp.GetRequiredService<BlobIngestion>(), sp.GetRequiredService<DocumentEventOutbox>(), sp.GetRequiredService<ILogger<DocumentRemoval>>()));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new ReconcileCheckpoint(sp.GetRequiredService<StorageAccount>().Tables.GetTableClient(options.Distribution.StatusTable)));
        services.AddSingleton(sp => new DocumentReconciliation(
            sp.GetRequiredService<DistributionContext>(), sp.GetRequiredService<BlobServiceClient>(), sp.GetRequiredService<DocumentRemoval>(),
            sp.GetRequiredService<BlobIngestion>(), sp.GetRequiredService<ReconcileCheckpoint>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<DocumentReconciliation>>()));
        services.AddSingleton(sp => new DocumentSweep(sp.GetRequiredService<DistributionContext>(), sp.GetRequiredService<DocumentEventOutbox>(), sp.GetRequiredService<DocumentRemoval>(), sp.GetRequiredService<ILogger<DocumentSweep>>()));
        return services;
    }

    // A local path wins; a blob-hosted model needs the storage account.
    private static BlobModelSource? ModelSource(JasperModelOptions model, IServiceProvider services) => model.Path is not { Length: > 0 } && model.Blob is { Length: > 0 } blob
        ? new BlobModelSource(services.GetRequiredService<StorageAccount>().Blobs, blob, model.CacheDirectory, services.GetRequiredService<ILogger<BlobModelSource>>())
        : null;

    private static IVectorSinkFactory CreateSinkFactory(JasperOptions options, StorageAccount storage, string? clientId) => options.Sink.Kind.ToLowerInvariant() switch
    {
        "blob" => new BlobVectorSinkFactory(storage.Blobs.GetBlobContainerClient(options.Distribution.VectorsContainer)),
        "search" => new AzureSearchVectorSinkFactory(
            new SearchIndexClient(options.Sink.SearchEndpoint ?? throw new InvalidOperationException("Jasper:Sink:SearchEndpoint is required for the search sink."), StorageAccount.Credential(clientId)),
            options.Sink.SearchIndex),
        var other => throw new InvalidOperationException($"Jasper:Sink:Kind '{other}' is unknown; use blob or search."),
    };

    private static IDocumentEventPublisher CreatePublisher(EventOptions events, string? clientId) => events.ServiceBusNamespace is { Length: > 0 } ns
        ? new ServiceBusDocumentEventPublisher(new ServiceBusClient(ns, StorageAccount.Credential(clientId)).CreateSender(events.Topic))
        : new NoDocumentEventPublisher();

    // Starts loading the model with the host, without delaying its start, and makes the queue-depth gauge exist from
    // the start (nothing else asks for it).
    private sealed class Starter(ModelHost host, WorkQueueDepths queueDepths) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            host.Start();
            GC.KeepAlive(queueDepths); // asked for only so that the container creates it, and with it the gauge
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

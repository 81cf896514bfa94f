using Jasper.Azure.Distribution;
using Jasper.Ingestion.Pipeline;
using Jasper.Serving.Api;

namespace Jasper.Azure.Hosting;

/// <summary>
/// Everything a Jasper host reads from configuration, under the section <c>Jasper</c> (environment variables and app
/// settings spell it <c>Jasper__Model__Blob</c> and so on). infra/ emits these settings.
/// </summary>
public sealed class JasperOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Jasper";

    /// <summary>Where the model comes from and how it runs.</summary>
    public JasperModelOptions Model { get; set; } = new();

    /// <summary>HTTP API limits.</summary>
    public EmbeddingApiOptions Api { get; set; } = new();

    /// <summary>Extraction, chunking and compression policy.</summary>
    public IngestionOptions Ingestion { get; set; } = new();

    /// <summary>Containers, table, part size and retries.</summary>
    public DistributionOptions Distribution { get; set; } = new();

    /// <summary>Where vectors go.</summary>
    public SinkOptions Sink { get; set; } = new();

    /// <summary>Where completions are announced.</summary>
    public EventOptions Events { get; set; } = new();
}

/// <summary>The vector sink (<c>Jasper:Sink</c>).</summary>
public sealed class SinkOptions
{
    /// <summary><c>blob</c> (the vectors container) or <c>search</c> (Azure AI Search).</summary>
    public string Kind { get; set; } = "blob";

    /// <summary>Azure AI Search endpoint, for <c>search</c>.</summary>
    public Uri? SearchEndpoint { get; set; }

    /// <summary>Azure AI Search index name.</summary>
    public string SearchIndex { get; set; } = "jasper";
}

/// <summary>Completion events (<c>Jasper:Events</c>); off unless a namespace is set.</summary>
public sealed class EventOptions
{
    /// <summary>Service Bus namespace host (<c>name.servicebus.windows.net</c>).</summary>
    public string? ServiceBusNamespace { get; set; }

    /// <summary>The topic.</summary>
    public string Topic { get; set; } = "document-embedded";
}

using Azure.Search.Documents.Indexes;
using Azure.Storage.Blobs;

namespace Jasper.Core.Sinks;

/// <summary>Creates the configured sink once the model (and so the vector width) is known.</summary>
public interface IVectorSinkFactory
{
    /// <summary>The sink for vectors of <paramref name="dimensions"/> values.</summary>
    IVectorSink Create(int dimensions);
}

/// <summary>Records in a blob container.</summary>
public sealed class BlobVectorSinkFactory(BlobContainerClient container) : IVectorSinkFactory
{
    private readonly BlobVectorSink _sink = new(container);

    /// <inheritdoc />
    public IVectorSink Create(int dimensions) => _sink;
}

/// <summary>Records in an Azure AI Search index.</summary>
public sealed class AzureSearchVectorSinkFactory(SearchIndexClient client, string indexName, AzureSearchSinkOptions? options = null) : IVectorSinkFactory
{
    private readonly Lock _lock = new();
    private AzureSearchVectorSink? _sink;

    /// <inheritdoc />
    public IVectorSink Create(int dimensions)
    {
        lock (_lock)
        {
            return _sink ??= new AzureSearchVectorSink(client, indexName, dimensions, options);
        }
    }
}

using Azure.Search.Documents.Indexes;
using Jasper.Ingestion.Sinks;

namespace Jasper.Azure.Sinks;

/// <summary>Records in an Azure AI Search index.</summary>
internal sealed class AzureSearchVectorSinkFactory(SearchIndexClient client, string indexName, AzureSearchSinkOptions? options = null) : IVectorSinkFactory
{
    private readonly Lock _lock = new();
    private readonly SearchIndexDocuments _documents = new(client.GetSearchClient(indexName), options ?? new AzureSearchSinkOptions());
    private AzureSearchVectorSink? _sink;

    /// <inheritdoc />
    public IVectorSink Create(int dimensions)
    {
        lock (_lock)
        {
            return _sink ??= new AzureSearchVectorSink(client, indexName, dimensions, options);
        }
    }

    /// <inheritdoc />
    public Task RemoveAsync(string documentId, CancellationToken cancellationToken) => _documents.RemoveDocumentAsync(documentId, cancellationToken);
}

using Azure.Storage.Blobs;
using Jasper.Ingestion.Sinks;

namespace Jasper.Azure.Sinks;

/// <summary>Records in a blob container.</summary>
internal sealed class BlobVectorSinkFactory(BlobContainerClient container) : IVectorSinkFactory
{
    private readonly BlobVectorSink _sink = new(container);

    /// <inheritdoc />
    public IVectorSink Create(int dimensions) => _sink;

    /// <inheritdoc />
    public Task RemoveAsync(string documentId, CancellationToken cancellationToken) => _sink.RemoveAsync(documentId, cancellationToken);
}

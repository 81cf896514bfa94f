using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Jasper.Azure.Storage;
using Jasper.Ingestion.Sinks;
using Jasper.Ingestion.Vectors;

namespace Jasper.Azure.Sinks;

/// <summary>
/// Vector records in Azure Blob Storage: JSON Lines parts under <c>{document_id}/{version}/part-{first chunk}.jsonl</c>
/// in the container (by convention <c>vectors</c>), and <c>{document_id}/document.json</c> naming the committed
/// version. Commit writes the state, then deletes every blob of the document that belongs to another version.
/// Parts are named by position, so writing a part again overwrites rather than duplicates, whoever writes it.
/// </summary>
public sealed class BlobVectorSink : IVectorSink
{
    /// <summary>Name of a document's state blob, under its id.</summary>
    public const string StateBlobName = "document.json";

    private readonly BlobContainerClient _container;
    private readonly CreateOnFirstUse _created;

    /// <summary>Creates the sink over a container (created on first use).</summary>
    public BlobVectorSink(BlobContainerClient container)
    {
        _container = container;
        _created = new CreateOnFirstUse(token => _container.CreateIfNotExistsAsync(cancellationToken: token));
    }

    /// <summary>The blob name of a document's state.</summary>
    public static string StateBlob(string documentId) => $"{documentId}/{StateBlobName}";

    /// <inheritdoc />
    public async Task<string?> GetCommittedVersionAsync(string documentId, CancellationToken cancellationToken = default)
    {
        await _created.EnsureAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var content = await _container.GetBlobClient(StateBlob(documentId)).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return DocumentState.Parse(content.Value.Content.ToMemory().Span)?.Version;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task WritePartAsync(DocumentDescriptor document, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        await _created.EnsureAsync(cancellationToken).ConfigureAwait(false);
        using var content = new MemoryStream();
        foreach (var record in records)
        {
            content.Write(VectorRecordSerializer.ToJsonLine(record).Span);
        }

        content.Position = 0;
        var options = new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/x-ndjson" } };
        await _container.GetBlobClient(PartName.Under(document.DocumentId, document.Version, records[0].ChunkIndex)).UploadAsync(content, options, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task CommitAsync(DocumentDescriptor document, int chunkCount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        await _created.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var state = new DocumentState(document.DocumentId, document.Source, document.Version, chunkCount);
        var options = new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } };
        await _container.GetBlobClient(StateBlob(document.DocumentId)).UploadAsync(new BinaryData(state.ToJson()), options, cancellationToken).ConfigureAwait(false);
        await _container.DeleteBlobsAsync(document.DocumentId + "/", name => !name.StartsWith(VersionPrefix(document), StringComparison.Ordinal) && name != StateBlob(document.DocumentId), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task AbandonAsync(DocumentDescriptor document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (await GetCommittedVersionAsync(document.DocumentId, cancellationToken).ConfigureAwait(false) != document.Version)
        {
            await _container.DeleteBlobsAsync(VersionPrefix(document), select: null, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string VersionPrefix(DocumentDescriptor document) => $"{document.DocumentId}/{document.Version}/";
}

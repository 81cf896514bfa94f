using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Jasper.Core.Vectors;

namespace Jasper.Core.Sinks;

/// <summary>
/// Vector records in Azure Blob Storage: JSON Lines parts under <c>{document_id}/{version}/part-{first chunk}.jsonl</c>
/// in the container (by convention <c>vectors</c>), and <c>{document_id}/document.json</c> naming the committed
/// version. Commit writes the state, then deletes every blob of the document that belongs to another version.
/// Parts are named by content position, so writing the same version again overwrites rather than duplicates.
/// </summary>
public sealed class BlobVectorSink : IVectorSink
{
    /// <summary>Name of a document's state blob, under its id.</summary>
    public const string StateBlobName = "document.json";

    private readonly BlobContainerClient _container;
    private readonly Lazy<Task> _created;

    /// <summary>Creates the sink over a container (created on first use).</summary>
    public BlobVectorSink(BlobContainerClient container)
    {
        _container = container;
        _created = new Lazy<Task>(() => _container.CreateIfNotExistsAsync());
    }

    /// <summary>The blob name of a document's state.</summary>
    public static string StateBlob(string documentId) => $"{documentId}/{StateBlobName}";

    /// <summary>The blob name of the part of a version starting at <paramref name="firstChunk"/>.</summary>
    public static string PartBlob(string documentId, string version, int firstChunk) => $"{documentId}/{version}/part-{firstChunk:D6}.jsonl";

    /// <inheritdoc />
    public async Task<string?> GetCommittedVersionAsync(string documentId, CancellationToken cancellationToken = default)
    {
        await _created.Value.ConfigureAwait(false);
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
    public async Task<IVectorSinkWriter> OpenDocumentAsync(DocumentDescriptor document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        await _created.Value.ConfigureAwait(false);
        return new Writer(this, document);
    }

    private sealed class Writer(BlobVectorSink sink, DocumentDescriptor document) : IVectorSinkWriter
    {
        private readonly List<string> _written = [];
        private bool _committed;

        public async Task WriteAsync(IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken = default)
        {
            if (records.Count == 0)
            {
                return;
            }

            using var content = new MemoryStream();
            foreach (var record in records)
            {
                content.Write(VectorRecordSerializer.ToJsonLine(record).Span);
            }

            content.Position = 0;
            string name = PartBlob(document.DocumentId, document.Version, records[0].ChunkIndex);
            var options = new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/x-ndjson" } };
            await sink._container.GetBlobClient(name).UploadAsync(content, options, cancellationToken).ConfigureAwait(false);
            _written.Add(name);
        }

        public async Task CommitAsync(int chunkCount, CancellationToken cancellationToken = default)
        {
            var state = new DocumentState(document.DocumentId, document.Source, document.Version, chunkCount);
            var options = new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } };
            await sink._container.GetBlobClient(StateBlob(document.DocumentId)).UploadAsync(new BinaryData(state.ToJson()), options, cancellationToken).ConfigureAwait(false);
            _committed = true;

            string current = $"{document.DocumentId}/{document.Version}/";
            await foreach (var blob in sink._container.GetBlobsAsync(BlobTraits.None, BlobStates.None, document.DocumentId + "/", cancellationToken).ConfigureAwait(false))
            {
                if (!blob.Name.StartsWith(current, StringComparison.Ordinal) && blob.Name != StateBlob(document.DocumentId))
                {
                    await sink._container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
            }
        }

        // An abandoned version leaves nothing behind, unless it is the one already committed.
        public async ValueTask DisposeAsync()
        {
            if (_committed || _written.Count == 0 || await sink.GetCommittedVersionAsync(document.DocumentId).ConfigureAwait(false) == document.Version)
            {
                return;
            }

            foreach (string name in _written)
            {
                await sink._container.DeleteBlobIfExistsAsync(name).ConfigureAwait(false);
            }
        }
    }
}

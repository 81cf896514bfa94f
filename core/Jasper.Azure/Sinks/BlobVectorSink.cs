using System.Globalization;
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
/// Parts are named by position, so writing a part again overwrites rather than duplicates, whoever writes it; each
/// records how many chunks it holds (metadata <c>chunks</c>), so that commit keeps only the parts that follow each
/// other from chunk 0 and removes those an earlier plan of the version cut elsewhere.
/// </summary>
public sealed class BlobVectorSink : IVectorSink
{
    /// <summary>Name of a document's state blob, under its id.</summary>
    public const string StateBlobName = "document.json";

    // How many records a part holds, in its metadata.
    private const string ChunksMetadata = "chunks";

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
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/x-ndjson" },
            Metadata = new Dictionary<string, string> { [ChunksMetadata] = records.Count.ToString(CultureInfo.InvariantCulture) },
        };
        await _container.GetBlobClient(PartName.Under(document.DocumentId, document.Version, records[0].ChunkIndex)).UploadAsync(content, options, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task CommitAsync(DocumentDescriptor document, int chunkCount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        await _created.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var cutElsewhere = await PartsOffTheWalkAsync(document, chunkCount, cancellationToken).ConfigureAwait(false);
        var state = new DocumentState(document.DocumentId, document.Source, document.Version, chunkCount);
        var options = new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } };
        await _container.GetBlobClient(StateBlob(document.DocumentId)).UploadAsync(new BinaryData(state.ToJson()), options, cancellationToken).ConfigureAwait(false);
        bool OtherVersion(string name) => !name.StartsWith(VersionPrefix(document), StringComparison.Ordinal) && name != StateBlob(document.DocumentId);
        await _container.DeleteBlobsAsync(document.DocumentId + "/", name => OtherVersion(name) || cutElsewhere.Contains(name), cancellationToken).ConfigureAwait(false);
    }

    // The version's parts off the walk (PartWalk): those an earlier plan cut elsewhere, with another part size. Parts
    // written before they recorded their size cannot be walked, and are all kept, as they were.
    private async Task<HashSet<string>> PartsOffTheWalkAsync(DocumentDescriptor document, int chunkCount, CancellationToken cancellationToken)
    {
        var parts = new Dictionary<int, (string Name, int? Chunks)>();
        await foreach (var blob in _container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, VersionPrefix(document), cancellationToken).ConfigureAwait(false))
        {
            int? chunks = blob.Metadata.TryGetValue(ChunksMetadata, out string? value) && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int count) ? count : null;
            parts[PartName.FirstChunkOf(blob.Name[(blob.Name.LastIndexOf('/') + 1)..])] = (blob.Name, chunks);
        }

        if (parts.Values.Any(part => part.Chunks is null))
        {
            return [];
        }

        var walked = await PartWalk.FollowAsync(document, chunkCount, first => Task.FromResult(parts.TryGetValue(first, out var part) ? part.Chunks : null)).ConfigureAwait(false);
        return parts.Where(part => !walked.Contains(part.Key)).Select(part => part.Value.Name).ToHashSet(StringComparer.Ordinal);
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

    /// <inheritdoc />
    /// <remarks>The state goes first, so that no reader finds the document committed while its parts are deleted.</remarks>
    public async Task RemoveAsync(string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(documentId);
        await _created.EnsureAsync(cancellationToken).ConfigureAwait(false);
        await _container.DeleteBlobIfExistsAsync(StateBlob(documentId), cancellationToken: cancellationToken).ConfigureAwait(false);
        await _container.DeleteBlobsAsync(documentId + "/", select: null, cancellationToken).ConfigureAwait(false);
    }

    private static string VersionPrefix(DocumentDescriptor document) => $"{document.DocumentId}/{document.Version}/";
}

using Azure.Search.Documents.Indexes;
using Azure.Search.Documents.Indexes.Models;
using Azure.Search.Documents.Models;
using Jasper.Azure.Storage;
using Jasper.Ingestion.Sinks;
using Jasper.Ingestion.Vectors;

namespace Jasper.Azure.Sinks;

/// <summary>
/// Vector records in an Azure AI Search index. The index is created or updated on first use: the record's fields
/// (metadata filterable) plus <c>document_version</c>, and <c>embedding</c> as a vector field searched by HNSW with
/// cosine similarity. Records upload with MergeOrUpload in batches under both the 1,000-document and the 16 MB
/// request limits; chunks the service refuses for a transient reason are retried, and the rest fail the document
/// by name (<see cref="SearchIndexDocuments"/>).
/// <para>
/// The index key is the record id and the version (<c>{document_id}-{chunk_index}-{version}</c>), so versions are
/// isolated until commit: writing a new version never overwrites the committed one, and abandoning it deletes only
/// its own chunks. Commit deletes every chunk of the document's other versions, found page by page however many
/// there are. The index has no staging area: a part's records are searchable as soon as it is written, next to the
/// committed version's until commit (filter on <c>document_version</c> to pin one).
/// </para>
/// </summary>
public sealed class AzureSearchVectorSink : IVectorSink
{
    /// <summary>Name of the vector search profile.</summary>
    public const string VectorProfile = "jasper-hnsw-cosine";

    private const string VersionField = "document_version";

    private readonly SearchIndexClient _indexClient;
    private readonly SearchIndexDocuments _documents;
    private readonly string _indexName;
    private readonly int _dimensions;
    private readonly CreateOnFirstUse _indexReady;

    /// <summary>Creates the sink for an index of <paramref name="dimensions"/>-wide vectors.</summary>
    public AzureSearchVectorSink(SearchIndexClient indexClient, string indexName, int dimensions, AzureSearchSinkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(indexClient);
        _indexClient = indexClient;
        _indexName = indexName;
        _dimensions = dimensions;
        _documents = new SearchIndexDocuments(indexClient.GetSearchClient(indexName), options ?? new AzureSearchSinkOptions());
        _indexReady = new CreateOnFirstUse(token => _indexClient.CreateOrUpdateIndexAsync(BuildIndex(_indexName, _dimensions), cancellationToken: token));
    }

    /// <summary>The index definition: every record field, the version, and the vector field.</summary>
    public static SearchIndex BuildIndex(string name, int dimensions) => new(name)
    {
        Fields =
        {
            new SimpleField("id", SearchFieldDataType.String) { IsKey = true, IsFilterable = true },
            new SimpleField("document_id", SearchFieldDataType.String) { IsFilterable = true },
            new SimpleField(VersionField, SearchFieldDataType.String) { IsFilterable = true },
            new SimpleField("source", SearchFieldDataType.String) { IsFilterable = true, IsFacetable = true },
            new SimpleField("chunk_index", SearchFieldDataType.Int32) { IsFilterable = true, IsSortable = true },
            new SimpleField("char_start", SearchFieldDataType.Int64) { IsFilterable = true },
            new SimpleField("char_end", SearchFieldDataType.Int64) { IsFilterable = true },
            new SearchableField("text"),
            new SimpleField("tokens", SearchFieldDataType.Int32) { IsFilterable = true },
            new SimpleField("compressed_tokens", SearchFieldDataType.Int32) { IsFilterable = true },
            new SimpleField("compression_ratio", SearchFieldDataType.Double) { IsFilterable = true, IsFacetable = true },
            new SimpleField("priority", SearchFieldDataType.String) { IsFilterable = true, IsFacetable = true },
            new SimpleField("model", SearchFieldDataType.String) { IsFilterable = true },
            new SimpleField("dimensions", SearchFieldDataType.Int32) { IsFilterable = true },
            new VectorSearchField("embedding", dimensions, VectorProfile),
        },
        VectorSearch = new VectorSearch
        {
            Profiles = { new VectorSearchProfile(VectorProfile, "hnsw") },
            Algorithms = { new HnswAlgorithmConfiguration("hnsw") { Parameters = new HnswParameters { Metric = VectorSearchAlgorithmMetric.Cosine } } },
        },
    };

    /// <inheritdoc />
    /// <remarks>The index does not track committed versions; writing an unchanged document again overwrites it with the same values.</remarks>
    public Task<string?> GetCommittedVersionAsync(string documentId, CancellationToken cancellationToken = default) => Task.FromResult<string?>(null);

    /// <inheritdoc />
    public async Task WritePartAsync(DocumentDescriptor document, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(records);
        await _indexReady.EnsureAsync(cancellationToken).ConfigureAwait(false);
        await _documents.UploadAsync(records.Select(r => ToSearchDocument(r, document.Version)).ToList(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Records are searchable as soon as their part is written; commit removes the other versions.</remarks>
    public Task CommitAsync(DocumentDescriptor document, int chunkCount, CancellationToken cancellationToken = default) =>
        DeleteWhereAsync(document, $"{SearchIndexDocuments.DocumentFilter(document.DocumentId)} and {VersionField} ne '{SearchIndexDocuments.Escape(document.Version)}'", cancellationToken);

    /// <inheritdoc />
    public Task AbandonAsync(DocumentDescriptor document, CancellationToken cancellationToken = default) =>
        DeleteWhereAsync(document, $"{SearchIndexDocuments.DocumentFilter(document.DocumentId)} and {VersionField} eq '{SearchIndexDocuments.Escape(document.Version)}'", cancellationToken);

    /// <inheritdoc />
    /// <remarks>Every chunk of the document, whatever its version; an index that does not exist yet holds none.</remarks>
    public Task RemoveAsync(string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(documentId);
        return _documents.RemoveDocumentAsync(documentId, cancellationToken);
    }

    private async Task DeleteWhereAsync(DocumentDescriptor document, string filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        await _indexReady.EnsureAsync(cancellationToken).ConfigureAwait(false);
        await _documents.DeleteWhereAsync(filter, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The index key of a record of a version: versions never share a key, so they never overwrite each other.</summary>
    public static string KeyFor(VectorRecord record, string version)
    {
        ArgumentNullException.ThrowIfNull(record);
        return $"{record.Id}-{version}";
    }

    private static SearchDocument ToSearchDocument(VectorRecord r, string version) => new()
    {
        ["id"] = KeyFor(r, version),
        ["document_id"] = r.DocumentId,
        [VersionField] = version,
        ["source"] = r.Source,
        ["chunk_index"] = r.ChunkIndex,
        ["char_start"] = r.CharStart,
        ["char_end"] = r.CharEnd,
        ["text"] = r.Text,
        ["tokens"] = r.Tokens,
        ["compressed_tokens"] = r.CompressedTokens,
        ["compression_ratio"] = r.CompressionRatio,
        ["priority"] = r.Priority,
        ["model"] = r.Model,
        ["dimensions"] = r.Dimensions,
        ["embedding"] = r.Embedding,
    };
}

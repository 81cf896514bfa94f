using System.Text.Json;
using Azure.Search.Documents;
using Azure.Search.Documents.Indexes;
using Azure.Search.Documents.Indexes.Models;
using Azure.Search.Documents.Models;
using Jasper.Azure.Storage;
using Jasper.Ingestion.Extraction;
using Jasper.Ingestion.Sinks;
using Jasper.Ingestion.Vectors;

namespace Jasper.Azure.Sinks;

/// <summary>
/// Vector records in an Azure AI Search index. The index is created or updated on first use: the record's fields
/// (metadata filterable) plus <c>document_version</c>, and <c>embedding</c> as a vector field searched by HNSW with
/// cosine similarity. Records upload with MergeOrUpload in batches under both the 1,000-document and the 16 MB
/// request limits; chunks the service refuses for a transient reason are retried, and the rest fail the document
/// by name.
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

    // The service returns at most 1,000 results a response and skips at most 100,000: asking for this many makes it
    // answer in pages of 1,000 with the request for the next page, which the SDK follows.
    private const int MatchesPerPass = 100_000;
    private static readonly int[] TransientStatuses = [409, 422, 429, 503];

    private readonly SearchIndexClient _indexClient;
    private readonly SearchClient _client;
    private readonly string _indexName;
    private readonly int _dimensions;
    private readonly AzureSearchSinkOptions _options;
    private readonly CreateOnFirstUse _indexReady;

    /// <summary>Creates the sink for an index of <paramref name="dimensions"/>-wide vectors.</summary>
    public AzureSearchVectorSink(SearchIndexClient indexClient, string indexName, int dimensions, AzureSearchSinkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(indexClient);
        _indexClient = indexClient;
        _indexName = indexName;
        _dimensions = dimensions;
        _options = options ?? new AzureSearchSinkOptions();
        _client = indexClient.GetSearchClient(indexName);
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
        var refused = await IndexAsync(records.Select(r => ToSearchDocument(r, document.Version)).ToList(), IndexDocumentsBatch.MergeOrUpload, cancellationToken).ConfigureAwait(false);
        if (refused.Count > 0)
        {
            throw new DocumentException(DocumentErrorKind.Failed, $"{refused.Count} chunks could not be indexed in '{_indexName}': {string.Join("; ", refused.Take(5))}");
        }
    }

    /// <inheritdoc />
    /// <remarks>Records are searchable as soon as their part is written; commit removes the other versions.</remarks>
    public Task CommitAsync(DocumentDescriptor document, int chunkCount, CancellationToken cancellationToken = default) =>
        DeleteWhereAsync(document, $"document_id eq '{Escape(document.DocumentId)}' and {VersionField} ne '{Escape(document.Version)}'", cancellationToken);

    /// <inheritdoc />
    public Task AbandonAsync(DocumentDescriptor document, CancellationToken cancellationToken = default) =>
        DeleteWhereAsync(document, $"document_id eq '{Escape(document.DocumentId)}' and {VersionField} eq '{Escape(document.Version)}'", cancellationToken);

    // OData string literals double their single quotes.
    private static string Escape(string value) => value.Replace("'", "''", StringComparison.Ordinal);

    private async Task DeleteWhereAsync(DocumentDescriptor document, string filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        await _indexReady.EnsureAsync(cancellationToken).ConfigureAwait(false);
        int found;
        do
        {
            // Every match is collected before any is deleted, so the pages are taken over an unchanging set; past the
            // service's skip limit, another pass finds what the first left.
            var matches = new List<SearchDocument>();
            var options = new SearchOptions { Filter = filter, Size = MatchesPerPass };
            options.Select.Add("id");
            var results = await _client.SearchAsync<SearchDocument>("*", options, cancellationToken).ConfigureAwait(false);
            await foreach (var result in results.Value.GetResultsAsync().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                matches.Add(new SearchDocument { ["id"] = result.Document["id"] });
            }

            found = matches.Count;
            var refused = await IndexAsync(matches, IndexDocumentsBatch.Delete, cancellationToken).ConfigureAwait(false);
            if (refused.Count > 0)
            {
                throw new DocumentException(DocumentErrorKind.Failed, $"{refused.Count} chunks could not be deleted from index '{_indexName}': {string.Join("; ", refused.Take(5))}");
            }
        }
        while (found >= MatchesPerPass);
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

    // Uploads documents in batches under both limits, retrying transient refusals; returns the keys refused for good.
    private async Task<List<string>> IndexAsync(IReadOnlyList<SearchDocument> documents, Func<IEnumerable<SearchDocument>, IndexDocumentsBatch<SearchDocument>> batch, CancellationToken cancellationToken)
    {
        var refused = new List<string>();
        foreach (var group in Batches(documents))
        {
            var pending = group;
            for (int attempt = 0; pending.Count > 0; attempt++)
            {
                var response = await _client.IndexDocumentsAsync(batch(pending), new IndexDocumentsOptions { ThrowOnAnyError = false }, cancellationToken).ConfigureAwait(false);
                var failed = response.Value.Results.Where(r => !r.Succeeded).ToList();
                var retry = failed.Where(r => TransientStatuses.Contains(r.Status)).Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
                refused.AddRange(failed.Where(r => !retry.Contains(r.Key) || attempt >= _options.MaxRetries).Select(r => $"{r.Key} ({r.Status}: {r.ErrorMessage})"));
                if (attempt >= _options.MaxRetries)
                {
                    break;
                }

                pending = pending.Where(d => retry.Contains((string)d["id"])).ToList();
                if (pending.Count > 0)
                {
                    await Task.Delay(_options.RetryDelay * (1 << attempt), cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return refused;
    }

    private IEnumerable<List<SearchDocument>> Batches(IReadOnlyList<SearchDocument> documents)
    {
        var batch = new List<SearchDocument>();
        long bytes = 0;
        foreach (var document in documents)
        {
            long size = JsonSerializer.SerializeToUtf8Bytes(document).Length + 64; // + the action and separators
            if (batch.Count > 0 && (batch.Count == _options.MaxBatchDocuments || bytes + size > _options.MaxBatchBytes))
            {
                yield return batch;
                batch = [];
                bytes = 0;
            }

            batch.Add(document);
            bytes += size;
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }
}

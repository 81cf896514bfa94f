using System.Text.Json;
using Azure;
using Azure.Search.Documents;
using Azure.Search.Documents.Models;
using Jasper.Ingestion.Extraction;

namespace Jasper.Azure.Sinks;

/// <summary>
/// The documents of one Azure AI Search index: uploads in batches under both the 1,000-document and the 16 MB request
/// limits, retrying what the service refuses for a transient reason, and deletes by filter however many match. It
/// needs no index definition (and so no vector width), so a document can be removed before the model is loaded.
/// </summary>
internal sealed class SearchIndexDocuments(SearchClient client, AzureSearchSinkOptions options)
{
    // The service returns at most 1,000 results a response and skips at most 100,000: asking for this many makes it
    // answer in pages of 1,000 with the request for the next page, which the SDK follows.
    private const int MatchesPerPass = 100_000;
    private static readonly int[] TransientStatuses = [409, 422, 429, 503];

    /// <summary>The index's name.</summary>
    public string IndexName => client.IndexName;

    /// <summary>An OData string literal's content (single quotes doubled).</summary>
    public static string Escape(string value) => value.Replace("'", "''", StringComparison.Ordinal);

    /// <summary>The filter of every chunk of a document, whatever its version.</summary>
    public static string DocumentFilter(string documentId) => $"document_id eq '{Escape(documentId)}'";

    /// <summary>Uploads documents (MergeOrUpload); fails the document by naming the chunks refused for good.</summary>
    public async Task UploadAsync(IReadOnlyList<SearchDocument> documents, CancellationToken cancellationToken)
    {
        var refused = await IndexAsync(documents, IndexDocumentsBatch.MergeOrUpload, cancellationToken).ConfigureAwait(false);
        if (refused.Count > 0)
        {
            throw new DocumentException(DocumentErrorKind.Failed, $"{refused.Count} chunks could not be indexed in '{IndexName}': {string.Join("; ", refused.Take(5))}");
        }
    }

    /// <summary>Deletes every document matching <paramref name="filter"/>.</summary>
    public async Task DeleteWhereAsync(string filter, CancellationToken cancellationToken)
    {
        int found;
        do
        {
            // Every match is collected before any is deleted, so the pages are taken over an unchanging set; past the
            // service's skip limit, another pass finds what the first left.
            var matches = new List<SearchDocument>();
            var search = new SearchOptions { Filter = filter, Size = MatchesPerPass };
            search.Select.Add("id");
            var results = await client.SearchAsync<SearchDocument>("*", search, cancellationToken).ConfigureAwait(false);
            await foreach (var result in results.Value.GetResultsAsync().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                matches.Add(new SearchDocument { ["id"] = result.Document["id"] });
            }

            found = matches.Count;
            var refused = await IndexAsync(matches, IndexDocumentsBatch.Delete, cancellationToken).ConfigureAwait(false);
            if (refused.Count > 0)
            {
                throw new DocumentException(DocumentErrorKind.Failed, $"{refused.Count} chunks could not be deleted from index '{IndexName}': {string.Join("; ", refused.Take(5))}");
            }
        }
        while (found >= MatchesPerPass);
    }

    /// <summary>Deletes every chunk of a document, whatever its version; an index that does not exist holds none.</summary>
    public async Task RemoveDocumentAsync(string documentId, CancellationToken cancellationToken)
    {
        try
        {
            await DeleteWhereAsync(DocumentFilter(documentId), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No index yet: nothing was ever written to it.
        }
    }

    // Uploads documents in batches under both limits, retrying transient refusals; returns the keys refused for good.
    private async Task<List<string>> IndexAsync(IReadOnlyList<SearchDocument> documents, Func<IEnumerable<SearchDocument>, IndexDocumentsBatch<SearchDocument>> batch, CancellationToken cancellationToken)
    {
        var refused = new List<string>();
        foreach (var group in Batches(documents))
        {
            var pending = group;
            for (int attempt = 0; pending.Count > 0; attempt++)
            {
                var response = await client.IndexDocumentsAsync(batch(pending), new IndexDocumentsOptions { ThrowOnAnyError = false }, cancellationToken).ConfigureAwait(false);
                var failed = response.Value.Results.Where(r => !r.Succeeded).ToList();
                var retry = failed.Where(r => TransientStatuses.Contains(r.Status)).Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
                refused.AddRange(failed.Where(r => !retry.Contains(r.Key) || attempt >= options.MaxRetries).Select(r => $"{r.Key} ({r.Status}: {r.ErrorMessage})"));
                if (attempt >= options.MaxRetries)
                {
                    break;
                }

                pending = pending.Where(d => retry.Contains((string)d["id"])).ToList();
                if (pending.Count > 0)
                {
                    await Task.Delay(options.RetryDelay * (1 << attempt), cancellationToken).ConfigureAwait(false);
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
            if (batch.Count > 0 && (batch.Count == options.MaxBatchDocuments || bytes + size > options.MaxBatchBytes))
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

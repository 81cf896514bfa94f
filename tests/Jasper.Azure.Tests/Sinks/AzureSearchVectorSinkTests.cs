using System.Text.Json.Nodes;
using Azure;
using Azure.Search.Documents.Indexes;
using Jasper.Azure.Sinks;
using Jasper.Ingestion.Extraction;
using Jasper.TestSupport;

namespace Jasper.Azure.Tests.Sinks;

/// <summary>
/// The Azure AI Search sink through the real Azure.Search.Documents SDK, against a local recording server that
/// checks the REST requests it sends (the service itself cannot run here).
/// </summary>
public sealed class AzureSearchVectorSinkTests
{
    private static AzureSearchVectorSink Sink(RecordingSearchService service, int dimensions, AzureSearchSinkOptions? options = null) =>
        new(new SearchIndexClient(service.Endpoint, new AzureKeyCredential("test-key"), service.ClientOptions), "jasper", dimensions, options ?? new AzureSearchSinkOptions { RetryDelay = TimeSpan.FromMilliseconds(10) });

    [Fact]
    public async Task Recording_server_a_transient_failure_creating_the_index_at_start_up_is_retried_on_the_next_use()
    {
        await using var service = await RecordingSearchService.StartAsync();
        service.FailIndexCreationOnce = true;
        var sink = Sink(service, 8);

        var records = SinkRecords.Make(SinkRecords.Document("v1"), 2, dimensions: 8);
        await Assert.ThrowsAsync<RequestFailedException>(() => SinkRecords.WriteVersionAsync(sink, SinkRecords.Document("v1"), records));
        await SinkRecords.WriteVersionAsync(sink, SinkRecords.Document("v1"), records);

        Assert.Equal(2, service.Documents.Count);
        Assert.Equal(2, service.Requests.Count(r => r.Method == "PUT" && r.PathAndQuery.StartsWith("/indexes('jasper')", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Recording_server_sees_an_hnsw_cosine_index_with_a_2048_dimensional_vector_and_filterable_metadata()
    {
        await using var service = await RecordingSearchService.StartAsync();
        await SinkRecords.WriteVersionAsync(Sink(service, 2048), SinkRecords.Document("v1"), SinkRecords.Make(SinkRecords.Document("v1"), 2, dimensions: 2048));

        var index = service.Indexes["jasper"];
        var fields = index["fields"]!.AsArray().Select(f => f!.AsObject()).ToDictionary(f => f["name"]!.GetValue<string>());
        var embedding = fields["embedding"];
        Assert.Equal("Collection(Edm.Single)", embedding["type"]!.GetValue<string>());
        Assert.Equal(2048, embedding["dimensions"]!.GetValue<int>());
        Assert.Equal(AzureSearchVectorSink.VectorProfile, embedding["vectorSearchProfile"]!.GetValue<string>());
        var algorithm = index["vectorSearch"]!["algorithms"]![0]!;
        Assert.Equal("hnsw", algorithm["kind"]!.GetValue<string>());
        Assert.Equal("cosine", algorithm["hnswParameters"]!["metric"]!.GetValue<string>());
        Assert.True(fields["id"]["key"]!.GetValue<bool>());
        foreach (string name in new[] { "document_id", "document_version", "source", "chunk_index", "compression_ratio", "priority", "model", "tokens", "compressed_tokens" })
        {
            Assert.True(fields[name]["filterable"]!.GetValue<bool>(), name);
        }

        Assert.True(fields["text"]["searchable"]!.GetValue<bool>());
        Assert.All(service.Requests, r => Assert.Equal("test-key", r.ApiKey));
    }

    [Fact]
    public async Task Recording_server_sees_merge_or_upload_batches_within_1000_documents_and_16_megabytes()
    {
        await using var service = await RecordingSearchService.StartAsync();
        var document = SinkRecords.Document("v1");
        var records = SinkRecords.Make(document, 1500, dimensions: 2048);
        await SinkRecords.WriteVersionAsync(Sink(service, 2048), document, records, batch: 500);

        var uploads = service.Requests.Where(r => r.PathAndQuery.Contains("search.index", StringComparison.Ordinal)).ToList();
        Assert.True(uploads.Count >= 3, $"{uploads.Count} batches");
        Assert.All(uploads, u => Assert.InRange(u.DocumentCount!.Value, 1, 1000));
        Assert.All(uploads, u => Assert.True(u.BodyBytes <= 16 * 1024 * 1024, $"{u.BodyBytes} bytes"));
        Assert.Contains(uploads, u => u.BodyBytes > 8 * 1024 * 1024); // the byte limit, not only the count, shaped them
        Assert.All(uploads, u => Assert.Contains("\"@search.action\":\"mergeOrUpload\"", u.Body, StringComparison.Ordinal));
        Assert.Equal(1500, service.Documents.Count);
        Assert.Equal(2048, service.Documents["doc1-7-v1"]["embedding"]!.AsArray().Count);
    }

    [Fact]
    public async Task Recording_server_refusals_are_retried_when_transient_and_named_when_not()
    {
        await using var service = await RecordingSearchService.StartAsync();
        service.FailOnce["doc1-1-v1"] = true;
        var document = SinkRecords.Document("v1");
        await SinkRecords.WriteVersionAsync(Sink(service, 8), document, SinkRecords.Make(document, 3));
        Assert.Equal(3, service.Documents.Count);

        service.FailAlways["doc2-2-v1"] = true;
        var other = SinkRecords.Document("v1", "doc2");
        var error = await Assert.ThrowsAsync<DocumentException>(() => SinkRecords.WriteVersionAsync(Sink(service, 8), other, SinkRecords.Make(other, 3)));
        Assert.Contains("doc2-2-v1 (400", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recording_server_sees_stale_chunks_deleted_when_a_document_shrinks_and_nothing_duplicated_when_repeated()
    {
        await using var service = await RecordingSearchService.StartAsync();
        var sink = Sink(service, 8);
        await SinkRecords.WriteVersionAsync(sink, SinkRecords.Document("v1"), SinkRecords.Make(SinkRecords.Document("v1"), 6));
        await SinkRecords.WriteVersionAsync(sink, SinkRecords.Document("v1", "other"), SinkRecords.Make(SinkRecords.Document("v1", "other"), 2));
        await SinkRecords.WriteVersionAsync(sink, SinkRecords.Document("v1"), SinkRecords.Make(SinkRecords.Document("v1"), 6));
        Assert.Equal(8, service.Documents.Count);

        await SinkRecords.WriteVersionAsync(sink, SinkRecords.Document("v2"), SinkRecords.Make(SinkRecords.Document("v2"), 2));

        Assert.Equal(["doc1-0-v2", "doc1-1-v2", "other-0-v1", "other-1-v1"], service.Documents.Keys.Order(StringComparer.Ordinal));
        Assert.All(service.Documents.Values.Where(d => d["document_id"]!.GetValue<string>() == "doc1"), d => Assert.Equal("v2", d["document_version"]!.GetValue<string>()));
        var search = service.Requests.Last(r => r.PathAndQuery.Contains("search.post.search", StringComparison.Ordinal));
        Assert.Equal("document_id eq 'doc1' and document_version ne 'v2'", JsonNode.Parse(search.Body)!["filter"]!.GetValue<string>());
        Assert.Contains(service.Requests, r => r.Body.Contains("\"@search.action\":\"delete\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Recording_server_sees_every_version_of_a_removed_document_deleted_and_the_other_documents_kept()
    {
        await using var service = await RecordingSearchService.StartAsync();

        await SinkRecords.RemoveOneOfTwoAsync(Sink(service, 8));

        Assert.Equal(["doc2-0-v1", "doc2-1-v1"], service.Documents.Keys.Order(StringComparer.Ordinal));
        var search = service.Requests.Last(r => r.PathAndQuery.Contains("search.post.search", StringComparison.Ordinal));
        Assert.Equal("document_id eq 'doc1'", JsonNode.Parse(search.Body)!["filter"]!.GetValue<string>());
    }

    [Fact]
    public async Task Recording_server_a_document_removed_before_the_model_is_loaded_or_the_index_exists_removes_nothing_else()
    {
        await using var service = await RecordingSearchService.StartAsync();
        var factory = new AzureSearchVectorSinkFactory(new SearchIndexClient(service.Endpoint, new AzureKeyCredential("test-key"), service.ClientOptions), "jasper");

        await factory.RemoveAsync("doc1", CancellationToken.None); // no index yet: the service answers 404, and nothing was written
        await SinkRecords.WriteVersionAsync(factory.Create(8), SinkRecords.Document("v1"), SinkRecords.Make(SinkRecords.Document("v1"), 3));
        await SinkRecords.WriteVersionAsync(factory.Create(8), SinkRecords.Document("v1", "doc2"), SinkRecords.Make(SinkRecords.Document("v1", "doc2"), 2));
        await factory.RemoveAsync("doc1", CancellationToken.None);

        Assert.Equal(["doc2-0-v1", "doc2-1-v1"], service.Documents.Keys.Order(StringComparer.Ordinal));
        Assert.Single(service.Requests, r => r.Method == "PUT"); // removing never created the index
    }

    [Fact]
    public async Task Recording_server_abandoning_a_failed_new_version_keeps_every_committed_chunk()
    {
        await using var service = await RecordingSearchService.StartAsync();
        var sink = Sink(service, 8);
        var v1 = SinkRecords.Make(SinkRecords.Document("v1"), 6);
        await SinkRecords.WriteVersionAsync(sink, SinkRecords.Document("v1"), v1);

        // A new version writes some parts, then fails and is abandoned: the committed version must be untouched.
        await SinkRecords.WritePartsAsync(sink, SinkRecords.Document("v2"), SinkRecords.Make(SinkRecords.Document("v2"), 4));
        await sink.AbandonAsync(SinkRecords.Document("v2"));

        var stored = service.Documents.Values.OrderBy(d => d["chunk_index"]!.GetValue<int>()).ToList();
        Assert.Equal(v1.Select(r => r.Text), stored.Select(d => d["text"]!.GetValue<string>()));
        Assert.All(stored, d => Assert.Equal("v1", d["document_version"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Recording_server_pages_as_the_service_does_and_commit_removes_every_stale_chunk_past_the_first_thousand()
    {
        await using var service = await RecordingSearchService.StartAsync();
        var sink = Sink(service, 4);
        await SinkRecords.WriteVersionAsync(sink, SinkRecords.Document("v1"), SinkRecords.Make(SinkRecords.Document("v1"), 2_345, dimensions: 4), batch: 1_000);

        await SinkRecords.WriteVersionAsync(sink, SinkRecords.Document("v2"), SinkRecords.Make(SinkRecords.Document("v2"), 3, dimensions: 4));

        Assert.Equal(["doc1-0-v2", "doc1-1-v2", "doc1-2-v2"], service.Documents.Keys.Order(StringComparer.Ordinal));
        Assert.True(service.Requests.Count(r => r.PathAndQuery.Contains("search.post.search", StringComparison.Ordinal)) >= 3, "the stale chunks were found in pages");
    }
}

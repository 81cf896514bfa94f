using Azure.Storage.Blobs;
using Jasper.Azure.Sinks;
using Jasper.Ingestion.Vectors;
using Jasper.TestSupport;

namespace Jasper.Azure.Tests.Sinks;

/// <summary>The blob sink against Azurite started by the tests.</summary>
public sealed class BlobVectorSinkTests : IClassFixture<AzuriteFixture>
{
    private readonly AzuriteFixture _azurite;

    public BlobVectorSinkTests(AzuriteFixture azurite) => _azurite = azurite;

    [Fact]
    public async Task Records_land_under_vectors_document_id_and_the_state_names_the_version()
    {
        var container = await NewContainerAsync();
        var sink = new BlobVectorSink(container);
        var document = SinkRecords.Document("v1");
        var records = SinkRecords.Make(document, 7);
        await SinkRecords.WriteVersionAsync(sink, document, records);

        var names = await NamesAsync(container);
        Assert.Equal(["doc1/document.json", "doc1/v1/part-000000.jsonl", "doc1/v1/part-000003.jsonl", "doc1/v1/part-000006.jsonl"], names);
        Assert.Equal(records.Select(r => r.Id), await RecordIdsAsync(container, "doc1/v1/"));
        Assert.Equal("v1", await sink.GetCommittedVersionAsync("doc1"));
        Assert.Null(await sink.GetCommittedVersionAsync("other"));
    }

    [Fact]
    public async Task Writing_the_same_version_again_overwrites_and_a_new_version_removes_the_stale_one()
    {
        var container = await NewContainerAsync();
        var sink = new BlobVectorSink(container);
        await SinkRecords.WriteVersionAsync(sink, SinkRecords.Document("v1"), SinkRecords.Make(SinkRecords.Document("v1"), 7));
        await SinkRecords.WriteVersionAsync(sink, SinkRecords.Document("v1"), SinkRecords.Make(SinkRecords.Document("v1"), 7));
        Assert.Equal(4, (await NamesAsync(container)).Count);

        await SinkRecords.WriteVersionAsync(sink, SinkRecords.Document("v2"), SinkRecords.Make(SinkRecords.Document("v2"), 2));
        Assert.Equal(["doc1/document.json", "doc1/v2/part-000000.jsonl"], await NamesAsync(container));
        Assert.Equal(["doc1-0", "doc1-1"], await RecordIdsAsync(container, "doc1/"));
    }

    [Fact]
    public async Task An_abandoned_version_is_cleaned_up_and_the_committed_one_kept()
    {
        var container = await NewContainerAsync();
        var sink = new BlobVectorSink(container);
        await SinkRecords.WriteVersionAsync(sink, SinkRecords.Document("v1"), SinkRecords.Make(SinkRecords.Document("v1"), 2));
        await SinkRecords.WritePartsAsync(sink, SinkRecords.Document("v2"), SinkRecords.Make(SinkRecords.Document("v2"), 5));
        await sink.AbandonAsync(SinkRecords.Document("v2"));
        await sink.AbandonAsync(SinkRecords.Document("v1")); // the committed version is never abandoned

        Assert.Equal(["doc1/document.json", "doc1/v1/part-000000.jsonl"], await NamesAsync(container));
        Assert.Equal("v1", await sink.GetCommittedVersionAsync("doc1"));
    }

    // The same version planned twice with another part size (Jasper:Distribution:PartSize changed in between) is cut
    // into other parts; the first plan's parts stayed beside the second's, and a reader of the version read some
    // chunks twice.
    [Fact]
    public async Task Parts_of_the_version_cut_elsewhere_are_removed_when_it_is_committed()
    {
        var container = await NewContainerAsync();
        var sink = new BlobVectorSink(container);
        var document = SinkRecords.Document("v1");
        var records = SinkRecords.Make(document, 9);
        foreach (var part in new[] { records[0..2], records[2..5], records[5..7], records[0..4], records[4..9] })
        {
            await sink.WritePartAsync(document, part);
        }

        await sink.CommitAsync(document, records.Count);

        Assert.Equal(["doc1/document.json", "doc1/v1/part-000000.jsonl", "doc1/v1/part-000004.jsonl"], await NamesAsync(container));
        Assert.Equal(records.Select(r => r.Id), await RecordIdsAsync(container, "doc1/v1/"));
    }

    [Fact]
    public async Task Parts_written_before_parts_recorded_their_size_are_all_kept_at_commit()
    {
        var container = await NewContainerAsync();
        var sink = new BlobVectorSink(container);
        var document = SinkRecords.Document("v1");
        var records = SinkRecords.Make(document, 4);
        await sink.WritePartAsync(document, records[0..2]);
        await container.GetBlobClient("doc1/v1/part-000002.jsonl").UploadAsync(
            BinaryData.FromString(string.Concat(records[2..4].Select(r => System.Text.Encoding.UTF8.GetString(VectorRecordSerializer.ToJsonLine(r).Span)))));

        await sink.CommitAsync(document, records.Count);

        Assert.Equal(records.Select(r => r.Id), await RecordIdsAsync(container, "doc1/v1/"));
    }

    [Fact]
    public async Task A_version_whose_parts_leave_a_chunk_out_is_not_committed_and_the_committed_one_stays()
    {
        var container = await NewContainerAsync();
        var sink = new BlobVectorSink(container);

        var error = Assert.IsType<InvalidOperationException>(await SinkRecords.CommitWithChunksLeftOutAsync(sink));

        Assert.Contains("chunk 3", error.Message, StringComparison.Ordinal);
        Assert.Equal("v1", await sink.GetCommittedVersionAsync("doc1"));
        Assert.Equal(["doc1-0", "doc1-1", "doc1-2"], await RecordIdsAsync(container, "doc1/v1/"));
    }

    [Fact]
    public async Task A_removed_document_leaves_no_blob_and_the_other_documents_stay()
    {
        var container = await NewContainerAsync();
        var sink = new BlobVectorSink(container);

        await SinkRecords.RemoveOneOfTwoAsync(sink);

        Assert.Equal(["doc2/document.json", "doc2/v1/part-000000.jsonl"], await NamesAsync(container));
        Assert.Null(await sink.GetCommittedVersionAsync("doc1"));
        Assert.Equal("v1", await sink.GetCommittedVersionAsync("doc2"));
    }

    [Fact]
    public async Task A_transient_failure_creating_the_container_at_start_up_is_retried_on_the_next_use()
    {
        var outage = new FailFirstRequests(1);
        var container = new BlobServiceClient(_azurite.Emulator.ConnectionString, FailFirstRequests.Options(new BlobClientOptions(), outage))
            .GetBlobContainerClient("vectors-" + Guid.NewGuid().ToString("N")[..12]);
        var sink = new BlobVectorSink(container);

        await Assert.ThrowsAsync<global::Azure.RequestFailedException>(() => sink.GetCommittedVersionAsync("doc1"));
        await SinkRecords.WriteVersionAsync(sink, SinkRecords.Document("v1"), SinkRecords.Make(SinkRecords.Document("v1"), 2));

        Assert.Equal("v1", await sink.GetCommittedVersionAsync("doc1"));
        Assert.Equal(1, outage.Failed);
    }

    private async Task<BlobContainerClient> NewContainerAsync()
    {
        var container = new BlobServiceClient(_azurite.Emulator.ConnectionString).GetBlobContainerClient("vectors-" + Guid.NewGuid().ToString("N")[..12]);
        await container.CreateIfNotExistsAsync();
        return container;
    }

    private static async Task<List<string>> NamesAsync(BlobContainerClient container)
    {
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync())
        {
            names.Add(blob.Name);
        }

        return [.. names.Order(StringComparer.Ordinal)];
    }

    private static async Task<List<string>> RecordIdsAsync(BlobContainerClient container, string prefix)
    {
        var ids = new List<string>();
        foreach (string name in (await NamesAsync(container)).Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".jsonl", StringComparison.Ordinal)))
        {
            var content = await container.GetBlobClient(name).DownloadContentAsync();
            ids.AddRange(content.Value.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => VectorRecordSerializer.Parse(l).Id));
        }

        return ids;
    }
}

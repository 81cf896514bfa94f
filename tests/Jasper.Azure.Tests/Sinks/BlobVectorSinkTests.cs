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

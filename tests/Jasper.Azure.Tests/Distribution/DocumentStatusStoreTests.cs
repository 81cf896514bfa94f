using Azure;
using Azure.Data.Tables;
using Jasper.Azure.Distribution;
using Jasper.TestSupport;

namespace Jasper.Azure.Tests.Distribution;

/// <summary>The status store against Azurite.</summary>
public sealed class DocumentStatusStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task A_transient_failure_creating_the_table_at_start_up_is_retried_on_the_next_use()
    {
        var outage = new FailFirstRequests(1);
        var table = new TableServiceClient(azurite.Emulator.ConnectionString, FailFirstRequests.Options(new TableClientOptions(), outage))
            .GetTableClient("status" + Guid.NewGuid().ToString("N")[..12]);
        var store = new DocumentStatusStore(table);

        await Assert.ThrowsAsync<RequestFailedException>(() => store.GetAsync("doc1"));
        Assert.Null(await store.GetAsync("doc1")); // the table is created now; one failure did not break the store

        Assert.Equal(1, outage.Failed);
    }

    [Fact]
    public async Task Removal_overrides_any_state_records_nothing_for_an_unknown_document_and_stays_unfinished_until_its_event_is_recorded()
    {
        var store = new DocumentStatusStore(new TableServiceClient(azurite.Emulator.ConnectionString).GetTableClient("status" + Guid.NewGuid().ToString("N")[..12]));
        var queued = new DocumentProgress { DocumentId = "doc1", Source = "s", Version = "v1", State = DocumentProgressState.Queued, Parts = 2, Chunks = 5, Tokens = 900 };
        Assert.True(await store.TryWriteAsync(queued, replacing: null));

        Assert.Equal((null, false), await store.MarkRemovedAsync("unknown"));
        Assert.Null(await store.GetAsync("unknown"));
        Assert.Equal((queued, false), await store.MarkRemovedAsync("doc1"));
        Assert.Equal(queued with { State = DocumentProgressState.Removed }, await store.GetAsync("doc1"));
        var again = await store.MarkRemovedAsync("doc1"); // a removal tried again before the first finished
        Assert.Equal((DocumentProgressState.Removed, true), (again.Before!.State, again.Unfinished));
        Assert.Equal("doc1", Assert.Single((await store.RemovalCandidatesPageAsync(null, 10)).Documents).Progress.DocumentId); // the reconciliation finishes it

        var embedded = new DocumentEmbeddedEvent { DocumentId = "doc1", Version = "v1", Source = "s", Chunks = 5, Tokens = 900, CompressedTokens = 700, CompletedAt = DateTimeOffset.UnixEpoch };
        Assert.False(await store.MarkCompleteAsync("doc1", "v1", Jasper.Ingestion.Pipeline.PartReport.Empty, embedded)); // a worker finishing late
        Assert.False(await store.MarkFailedAsync("doc1", "v1", "late failure"));
        Assert.Equal(DocumentProgressState.Removed, (await store.GetAsync("doc1"))!.State);
        Assert.Empty(await store.PendingEventsAsync("doc1"));

        // A removal's event, recorded once however often its removal is finished, waits beside a completion's until sent.
        var removed = new DocumentRemovedEvent { DocumentId = "doc1", Version = "v1", Source = "s", RemovalId = "831e1650-001e/001b#?", RemovedAt = DateTimeOffset.UnixEpoch };
        await store.FinishRemovalAsync(removed);
        await store.FinishRemovalAsync(removed);
        await store.FinishRemovalAsync(removed with { RemovalId = "another deletion" });
        Assert.Equal((DocumentProgressState.Removed, false), ((await store.MarkRemovedAsync("doc1")).Before!.State, (await store.MarkRemovedAsync("doc1")).Unfinished));
        Assert.Empty((await store.RemovalCandidatesPageAsync(null, 10)).Documents);
        Assert.Equal(queued with { State = DocumentProgressState.Removed }, await store.GetAsync("doc1"));
        var pending = await store.PendingEventsAsync(null);
        Assert.Equal([removed, removed with { RemovalId = "another deletion" }], pending.Select(e => e.Removed).OrderBy(e => e!.RemovalId, StringComparer.Ordinal));
        Assert.All(pending, e => Assert.Null(e.Embedded));
        await store.RemoveSentEventAsync(pending[0]);
        Assert.Single(await store.PendingEventsAsync("doc1"));
    }

    [Fact]
    public async Task Every_write_of_the_document_row_is_conditional_on_the_row_it_replaces()
    {
        var store = new DocumentStatusStore(new TableServiceClient(azurite.Emulator.ConnectionString).GetTableClient("status" + Guid.NewGuid().ToString("N")[..12]));
        var queued = new DocumentProgress { DocumentId = "doc1", Source = "s", Version = "v1", State = DocumentProgressState.Queued, Parts = 2, Chunks = 5, Tokens = 900 };

        Assert.True(await store.TryWriteAsync(queued, replacing: null));
        Assert.False(await store.TryWriteAsync(queued with { Version = "v2" }, replacing: null)); // it exists now
        var read = await store.ReadAsync("doc1");
        Assert.True(await store.TryWriteAsync(queued with { Chunks = 6 }, read));
        Assert.False(await store.TryWriteAsync(queued with { Chunks = 7 }, read)); // read before the last write

        var embedded = new DocumentEmbeddedEvent { DocumentId = "doc1", Version = "v1", Source = "s", Chunks = 6, Tokens = 900, CompressedTokens = 700, CompletedAt = DateTimeOffset.UnixEpoch };
        Assert.True(await store.MarkCompleteAsync("doc1", "v1", Jasper.Ingestion.Pipeline.PartReport.Empty, embedded));
        Assert.False(await store.MarkCompleteAsync("doc1", "v1", Jasper.Ingestion.Pipeline.PartReport.Empty, embedded)); // once
        Assert.Equal([embedded], (await store.PendingEventsAsync("doc1")).Select(e => e.Embedded)); // recorded with the completion, in one transaction
        Assert.False(await store.MarkFailedAsync("doc1", "v1", "a late failure")); // a completion stands
        var final = (await store.GetAsync("doc1"))!;
        Assert.Equal(DocumentProgressState.Complete, final.State);
        Assert.Equal(6, final.Chunks);
        Assert.Null(final.Error);
    }
}

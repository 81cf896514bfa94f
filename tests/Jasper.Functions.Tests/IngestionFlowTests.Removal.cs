using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Jasper.Azure.Distribution;
using Jasper.Azure.Sinks;
using Jasper.Ingestion.Pipeline;
using Jasper.Ingestion.Sinks;
using Jasper.Ingestion.Vectors;
using Jasper.Serving.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Jasper.Functions.Tests;

/// <summary>
/// Deleting a document: its BlobDeleted event is written to the documents-deleted queue here in the shape Event Grid
/// writes (Event Grid cannot run here: the test is its stand-in), and the sweep removes it.
/// </summary>
public sealed partial class IngestionFlowTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Event_grid_stand_in_a_deleted_document_loses_its_vectors_and_chunk_sets_and_an_upload_brings_it_back(bool base64)
    {
        using var removals = Collect("jasper.ingestion.removed");
        var blob = await UploadAsync("reports/q3 gone 💎.txt", Paragraphs(8));
        await IngestAsync(blob);
        await DrainAsync(WorkQueues.Normal);
        var embedded = await StatusAsync(blob);
        Assert.Equal(DocumentProgressState.Complete, embedded.State);
        Assert.NotEmpty(await NamesAsync(Vectors(), embedded.DocumentId + "/"));

        await blob.DeleteAsync();
        var deleted = BlobDeleted(blob);
        await SendDeletionAsync(deleted, base64);
        await SendDeletionAsync(deleted, base64); // Event Grid delivers at least once
        var report = await SweepAsync();

        Assert.Equal(1, report.Removed); // one document, however often its deletion arrives
        var announced = Assert.Single(Events.Removed.DistinctBy(e => e.RemovalId)); // Service Bus drops the repeat by its message id
        Assert.Equal((embedded.DocumentId, embedded.Version, deleted["id"]!.GetValue<string>()), (announced.DocumentId, announced.Version, announced.RemovalId));
        Assert.Equal(1, Assert.Single(removals.GetMeasurementSnapshot()).Value);
        var removed = await StatusAsync(blob);
        Assert.Equal(DocumentProgressState.Removed, removed.State);
        Assert.Equal(embedded.Version, removed.Version); // the row still says what was there
        Assert.Empty(await NamesAsync(Vectors(), embedded.DocumentId + "/"));
        Assert.Empty(await NamesAsync(Work(), embedded.DocumentId + "/"));
        Assert.Empty((await DeletionQueue().PeekMessagesAsync(32)).Value);
        Assert.Empty((await DeletionQueue(poison: true).PeekMessagesAsync(32)).Value);
        Assert.Equal(0, (await SweepAsync()).Removed);

        blob = await UploadAsync("reports/q3 gone 💎.txt", Paragraphs(8)); // the same bytes again: embedded again, not "unchanged"
        await IngestAsync(blob);
        Assert.Equal(DocumentProgressState.Queued, (await StatusAsync(blob)).State);
        await DrainAsync(WorkQueues.Normal);
        var again = await StatusAsync(blob);
        Assert.Equal(DocumentProgressState.Complete, again.State);
        Assert.Equal(embedded.Version, again.Version);
        Assert.Equal(again.Chunks, (await RecordsAsync(again)).Count);
    }

    [Fact]
    public async Task A_deletion_whose_event_never_came_is_found_by_the_reconciliation()
    {
        var kept = await UploadAsync("kept.txt", Paragraphs(3));
        var lost = await UploadAsync("lost/event.txt", Paragraphs(3));
        foreach (var blob in new[] { kept, lost })
        {
            await IngestAsync(blob);
        }

        await DrainAsync(WorkQueues.Normal);
        var embedded = await StatusAsync(lost);
        await lost.DeleteAsync(); // and Event Grid never tells

        var report = await ReconcileAsync();

        Assert.Equal(new ReconcileReport(Removed: 1, Planned: 0, ReconcileOutcome.Finished), report);
        Assert.Equal(DocumentProgressState.Removed, (await StatusAsync(lost)).State);
        Assert.Empty(await NamesAsync(Vectors(), embedded.DocumentId + "/"));
        Assert.Equal((embedded.DocumentId, $"reconciled:{embedded.Version}"), (Assert.Single(Events.Removed).DocumentId, Events.Removed.Single().RemovalId));
        var stays = await StatusAsync(kept);
        Assert.Equal(DocumentProgressState.Complete, stays.State);
        Assert.Equal(stays.Chunks, (await RecordsAsync(stays)).Count);
        Assert.Equal(new ReconcileReport(0, 0, ReconcileOutcome.NotDue), await ReconcileAsync()); // the next is a day later
        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(new ReconcileReport(0, 0, ReconcileOutcome.Finished), await ReconcileAsync()); // and finds nothing left
    }

    [Fact]
    public async Task An_upload_whose_event_never_came_is_planned_by_the_reconciliation()
    {
        var embedded = await UploadAsync("embedded.txt", Paragraphs(3));
        var changed = await UploadAsync("changed.txt", Paragraphs(3));
        foreach (var blob in new[] { embedded, changed })
        {
            await IngestAsync(blob);
        }

        await DrainAsync(WorkQueues.Normal);
        var before = await StatusAsync(changed);
        await Task.Delay(1100); // Last-Modified counts whole seconds: the change below must land in a later one than the status
        await UploadAsync("changed.txt", Paragraphs(4)); // and Event Grid never tells
        var missed = await UploadAsync("missed.txt", Paragraphs(2)); // nor here

        var report = await ReconcileAsync();

        Assert.Equal(new ReconcileReport(Removed: 0, Planned: 2, ReconcileOutcome.Finished), report);
        Assert.Equal(DocumentProgressState.Queued, (await StatusAsync(missed)).State);
        var replanned = await StatusAsync(changed);
        Assert.Equal(DocumentProgressState.Queued, replanned.State);
        Assert.NotEqual(before.Version, replanned.Version);
        Assert.Equal(DocumentProgressState.Complete, (await StatusAsync(embedded)).State);
        await DrainAsync(WorkQueues.Normal);
        foreach (var blob in new[] { embedded, changed, missed })
        {
            Assert.Equal(DocumentProgressState.Complete, (await StatusAsync(blob)).State);
        }

        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(new ReconcileReport(0, 0, ReconcileOutcome.Finished), await ReconcileAsync());
    }

    [Fact]
    public async Task A_reconciliation_out_of_run_time_saves_its_place_and_the_next_run_resumes_there()
    {
        var blobs = new List<BlobClient>();
        for (int i = 0; i < 5; i++)
        {
            blobs.Add(await UploadAsync($"many/{i}.txt", Paragraphs(2)));
            await IngestAsync(blobs[^1]);
        }

        await DrainAsync(WorkQueues.Normal);
        var gone = new[] { blobs[0], blobs[3], blobs[4] };
        foreach (var blob in gone)
        {
            await blob.DeleteAsync(); // Event Grid never tells
        }

        var missed = new[] { await UploadAsync("many/5.txt", Paragraphs(2)), await UploadAsync("many/6.txt", Paragraphs(2)) }; // nor here
        var options = _services.GetRequiredService<DistributionOptions>();
        options.ReconcileRunTime = TimeSpan.Zero; // every run stops after its first page (of 2: see BuildServices)

        var runs = new List<ReconcileReport>();
        do
        {
            runs.Add(await ReconcileAsync());
        }
        while (runs[^1].Outcome == ReconcileOutcome.Paused && runs.Count < 20);

        Assert.Equal(ReconcileOutcome.Finished, runs[^1].Outcome);
        Assert.All(runs, run => Assert.True(run.Removed + run.Planned <= 2)); // one page a run: 5 documents, then 4 blobs
        Assert.True(runs.Count >= 5, $"{runs.Count} runs"); // 3 pages of documents and 2 of blobs at the least
        Assert.Equal((3, 2), (runs.Sum(r => r.Removed), runs.Sum(r => r.Planned))); // resumed each time: none twice, none missed
        foreach (var blob in gone)
        {
            Assert.Equal(DocumentProgressState.Removed, (await StatusAsync(blob)).State);
        }

        foreach (var blob in missed)
        {
            Assert.Equal(DocumentProgressState.Queued, (await StatusAsync(blob)).State);
        }

        Assert.Equal(DocumentProgressState.Complete, (await StatusAsync(blobs[1])).State);
        _clock.Advance(options.ReconcileInterval - TimeSpan.FromHours(1));
        Assert.Equal(ReconcileOutcome.NotDue, (await ReconcileAsync()).Outcome); // started a day ago less an hour: not yet
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(new ReconcileReport(0, 0, ReconcileOutcome.Paused), await ReconcileAsync()); // the next day's starts over
    }

    [Fact]
    public async Task A_removal_that_failed_after_the_status_said_removed_is_finished_by_the_reconciliation()
    {
        var failing = true;
        await UseSinkAsync(_ => failing ? throw new InvalidOperationException("AI Search is unavailable (the test's outage).") : Task.CompletedTask);
        var blob = await UploadAsync("outage.txt", Paragraphs(3));
        await IngestAsync(blob);
        await DrainAsync(WorkQueues.Normal);
        var embedded = await StatusAsync(blob);
        await blob.DeleteAsync();

        // Every delivery of its deletion failed the same way (the poison queue has it now): the status says removed,
        // and the vectors are all still there.
        await Assert.ThrowsAsync<InvalidOperationException>(() => _services.GetRequiredService<DocumentRemoval>().RemoveAsync(blob, "deletion"));
        Assert.Equal(DocumentProgressState.Removed, (await StatusAsync(blob)).State);
        Assert.NotEmpty(await NamesAsync(Vectors(), embedded.DocumentId + "/"));
        Assert.Empty(Events.Removed);

        failing = false;
        var report = await ReconcileAsync();

        Assert.Equal(new ReconcileReport(Removed: 1, Planned: 0, ReconcileOutcome.Finished), report);
        Assert.Empty(await NamesAsync(Vectors(), embedded.DocumentId + "/"));
        Assert.Equal(embedded.DocumentId, Assert.Single(Events.Removed).DocumentId);
        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(new ReconcileReport(0, 0, ReconcileOutcome.Finished), await ReconcileAsync()); // finished: not removed again
        Assert.Single(Events.Removed);
    }

    [Fact]
    public async Task A_document_whose_removal_keeps_failing_holds_up_no_other_and_the_next_reconciliation_tries_it_again()
    {
        string? broken = null;
        await UseSinkAsync(id => id == broken ? throw new InvalidOperationException("this document's vectors cannot be removed (the test's fault)") : Task.CompletedTask);
        var blobs = new List<BlobClient>();
        for (int i = 0; i < 4; i++)
        {
            blobs.Add(await UploadAsync($"faulty/{i}.txt", Paragraphs(2)));
            await IngestAsync(blobs[^1]);
        }

        await DrainAsync(WorkQueues.Normal);
        var statuses = new List<DocumentProgress>();
        foreach (var blob in blobs)
        {
            statuses.Add(await StatusAsync(blob));
            await blob.DeleteAsync(); // Event Grid never tells
        }

        broken = statuses[1].DocumentId;
        var report = await ReconcileAsync();

        Assert.Equal(new ReconcileReport(Removed: 3, Planned: 0, ReconcileOutcome.Finished, Failed: 1), report);
        Assert.NotEmpty(await NamesAsync(Vectors(), broken + "/"));
        Assert.All(statuses.Where(s => s.DocumentId != broken), s => Assert.Equal(s.DocumentId, Events.Removed.Single(e => e.DocumentId == s.DocumentId).DocumentId));

        broken = null;
        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(new ReconcileReport(Removed: 1, Planned: 0, ReconcileOutcome.Finished), await ReconcileAsync());
        Assert.Empty(await NamesAsync(Vectors(), statuses[1].DocumentId + "/"));
        Assert.Equal(4, Events.Removed.Count);
    }

    [Fact]
    public async Task Event_grid_stand_in_a_deletion_read_after_the_document_was_uploaded_again_removes_nothing()
    {
        var blob = await UploadAsync("back.txt", Paragraphs(4));
        await IngestAsync(blob);
        await DrainAsync(WorkQueues.Normal);
        var embedded = await StatusAsync(blob);

        await blob.DeleteAsync();
        await UploadAsync("back.txt", Paragraphs(5)); // its own upload event plans it
        await SendDeletionAsync(BlobDeleted(blob), base64: false);
        var report = await SweepAsync();

        Assert.Equal(0, report.Removed);
        Assert.Empty(Events.Removed);
        Assert.Equal(embedded, await StatusAsync(blob));
        Assert.Equal(embedded.Chunks, (await RecordsAsync(embedded)).Count);
        Assert.Empty((await DeletionQueue().PeekMessagesAsync(32)).Value);
    }

    // A removal slower than its message's hiding time: another pass received the message again and deleted it, so this
    // pass's pop receipt is stale. The removal is done either way, and the sweep must not fail for it.
    [Fact]
    public async Task Event_grid_stand_in_a_deletion_message_gone_before_its_removal_ends_fails_nothing()
    {
        await UseSinkAsync(_ => DeletionQueue().ClearMessagesAsync());
        var blob = await UploadAsync("slow.txt", Paragraphs(3));
        await IngestAsync(blob);
        await DrainAsync(WorkQueues.Normal);
        await blob.DeleteAsync();

        await SendDeletionAsync(BlobDeleted(blob), base64: false);
        var report = await SweepAsync();

        Assert.Equal(1, report.Removed);
        Assert.Equal(DocumentProgressState.Removed, (await StatusAsync(blob)).State);
        Assert.Empty((await DeletionQueue(poison: true).PeekMessagesAsync(32)).Value);
    }

    [Fact]
    public async Task Event_grid_stand_in_unreadable_messages_go_to_the_poison_queue_other_events_are_dropped_and_deletions_still_happen()
    {
        var blob = await UploadAsync("amid.txt", Paragraphs(3));
        await IngestAsync(blob);
        await DrainAsync(WorkQueues.Normal);
        await blob.DeleteAsync();

        await SendDeletionAsync("this is not an event", base64: false);
        var created = BlobDeleted(blob);
        created["eventType"] = "Microsoft.Storage.BlobCreated";
        await SendDeletionAsync(created, base64: false);
        await SendDeletionAsync(BlobDeleted(blob), base64: true);
        var report = await SweepAsync();

        Assert.Equal(1, report.Removed);
        Assert.Equal(DocumentProgressState.Removed, (await StatusAsync(blob)).State);
        Assert.Empty((await DeletionQueue().PeekMessagesAsync(32)).Value);
        var poisoned = Assert.Single((await DeletionQueue(poison: true).PeekMessagesAsync(32)).Value);
        Assert.Equal("this is not an event", poisoned.Body.ToString()); // kept as it came, for whoever investigates
    }

    // The removal lands between a worker's check of the status and its write to the sink: the worker must clear what
    // it wrote, whether its part was the last (it commits) or not (the other parts are then dropped).
    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public async Task A_document_deleted_while_a_part_is_embedded_keeps_no_vectors(int paragraphs)
    {
        BlobClient? deleting = null;
        await _services.DisposeAsync();
        _services = BuildServices(services => services.AddSingleton<IVectorSinkFactory>(sp => new RemovedBeforeFirstWrite(
            new BlobVectorSinkFactory(Vectors()),
            async () =>
            {
                await deleting!.DeleteAsync();
                Assert.True(await sp.GetRequiredService<DocumentRemoval>().RemoveAsync(deleting));
            })));
        var blob = deleting = await UploadAsync("midway.txt", Paragraphs(paragraphs));
        await IngestAsync(blob);
        var queued = await StatusAsync(blob);
        Assert.Equal(paragraphs == 1, queued.Parts == 1);

        await DrainAsync(WorkQueues.Normal);

        Assert.Equal(DocumentProgressState.Removed, (await StatusAsync(blob)).State);
        Assert.Empty(await NamesAsync(Vectors(), queued.DocumentId + "/"));
        Assert.Empty(Events.Published);
        Assert.Equal(queued.Version, Assert.Single(Events.Removed).Version);
    }

    [Fact]
    public async Task A_document_uploaded_again_while_it_is_being_removed_is_planned_again()
    {
        var blob = await UploadAsync("swap.txt", Paragraphs(3));
        await IngestAsync(blob);
        await DrainAsync(WorkQueues.Normal);
        var first = await StatusAsync(blob);
        await blob.DeleteAsync();

        var uploadAgain = new UploadBeforeSecondCheck(() => UploadAsync("swap.txt", Paragraphs(4)));
        Assert.True(await _services.GetRequiredService<DocumentRemoval>().RemoveAsync(Watched(blob, uploadAgain)));

        var planned = await StatusAsync(blob);
        Assert.Equal(DocumentProgressState.Queued, planned.State);
        Assert.NotEqual(first.Version, planned.Version);
        await DrainAsync(WorkQueues.Normal);
        var embedded = await StatusAsync(blob);
        Assert.Equal(DocumentProgressState.Complete, embedded.State);
        Assert.Equal(embedded.Chunks, (await RecordsAsync(embedded)).Count);
    }

    // What a re-planning that failed mid-removal leaves (the status says removed, the blob is there): the message is
    // tried again, and this time the blob exists from the start.
    [Fact]
    public async Task A_deletion_read_again_when_the_blob_exists_but_its_status_says_removed_plans_it_again()
    {
        var blob = await UploadAsync("limbo.txt", Paragraphs(3));
        await IngestAsync(blob);
        await DrainAsync(WorkQueues.Normal);
        await blob.DeleteAsync();
        Assert.True(await _services.GetRequiredService<DocumentRemoval>().RemoveAsync(blob));
        await UploadAsync("limbo.txt", Paragraphs(3));

        await SendDeletionAsync(BlobDeleted(blob), base64: false);
        Assert.Equal(0, (await SweepAsync()).Removed);

        Assert.Equal(DocumentProgressState.Queued, (await StatusAsync(blob)).State);
        await DrainAsync(WorkQueues.Normal);
        Assert.Equal(DocumentProgressState.Complete, (await StatusAsync(blob)).State);
    }

    // The blob is deleted once the planning has read it, and its removal runs at once, before the planning records
    // anything: the planning must not then record the document as queued and queue its parts.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_document_deleted_while_it_is_planned_is_not_embedded(bool embeddedBefore)
    {
        var blob = await UploadAsync("brief.txt", Paragraphs(4));
        if (embeddedBefore)
        {
            await IngestAsync(blob);
            await DrainAsync(WorkQueues.Normal);
            await UploadAsync("brief.txt", Paragraphs(5)); // a new version, being planned when it is deleted
        }

        // How many reads planning this content takes, counted on a copy planned beside it (and then cleared away).
        var counting = new AfterRead(int.MaxValue, () => Task.CompletedTask);
        var copy = await UploadAsync("brief-copy.txt", (await blob.DownloadContentAsync()).Value.Content.ToArray());
        await IngestAsync(Watched(copy, counting));
        await Queue(WorkQueues.Normal).ClearMessagesAsync();

        var deleteAfterReading = new AfterRead(counting.Reads, async () =>
        {
            await blob.DeleteAsync();
            await _services.GetRequiredService<DocumentRemoval>().RemoveAsync(blob);
        });
        await IngestAsync(Watched(blob, deleteAfterReading));

        var status = await StatusAsync(blob);
        Assert.Equal(DocumentProgressState.Removed, status.State);
        Assert.Empty((await Queue(WorkQueues.Normal).PeekMessagesAsync(32)).Value);
        Assert.Empty(await NamesAsync(Work(), status.DocumentId + "/"));
        Assert.Empty(await NamesAsync(Vectors(), status.DocumentId + "/"));
    }

    [Fact]
    public async Task An_upload_deleted_before_it_is_planned_is_left_alone_and_records_nothing()
    {
        var blob = await UploadAsync("fleeting.txt", Paragraphs(2));
        await blob.DeleteAsync();

        await IngestAsync(blob); // the upload's event arrives after the deletion: no error, so no retries

        Assert.Null(await _services.GetRequiredService<DocumentStatusStore>().GetAsync(DocumentIds.FromSource(blob.Uri.AbsoluteUri)));
        Assert.Empty((await Queue(WorkQueues.Normal).PeekMessagesAsync(32)).Value);

        await SendDeletionAsync(BlobDeleted(blob), base64: false);
        await SweepAsync();
        Assert.Empty(Events.Removed); // never recorded, so never announced
        Assert.Null(await _services.GetRequiredService<DocumentStatusStore>().GetAsync(DocumentIds.FromSource(blob.Uri.AbsoluteUri)));
    }

    private BlobClient Watched(BlobClient blob, global::Azure.Core.Pipeline.HttpPipelinePolicy policy)
    {
        var options = new BlobClientOptions();
        options.AddPolicy(policy, global::Azure.Core.HttpPipelinePosition.PerCall);
        return new BlobServiceClient(_azurite.Emulator.ConnectionString, options).GetBlobContainerClient(blob.BlobContainerName).GetBlobClient(blob.Name);
    }

    // This test's services again, with the blob sink's removals going through action first.
    private async Task UseSinkAsync(Func<string, Task> action)
    {
        await _services.DisposeAsync();
        _services = BuildServices(services => services.AddSingleton<IVectorSinkFactory>(sp => new BeforeRemoval(new BlobVectorSinkFactory(Vectors()), action)));
        await _services.GetRequiredService<ModelHost>().WaitReadyAsync();
    }

    private Task<ReconcileReport> ReconcileAsync() =>
        _services.GetRequiredService<DocumentReconciliation>().ReconcileAsync(Storage.Blobs.GetBlobContainerClient("documents" + _run));

    private Task<SweepReport> SweepAsync() => _services.GetRequiredService<DocumentSweep>().SweepAsync();

    private global::Azure.Storage.Queues.QueueClient DeletionQueue(bool poison = false) =>
        Storage.EventQueues.GetQueueClient(poison ? WorkQueues.Poison(DocumentRemoval.Queue) : DocumentRemoval.Queue);

    private Task SendDeletionAsync(JsonObject deleted, bool base64) => SendDeletionAsync(deleted.ToJsonString(), base64);

    private Task SendDeletionAsync(string message, bool base64) =>
        DeletionQueue().SendMessageAsync(base64 ? Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(message)) : message);

    // A BlobDeleted event in the Event Grid schema, as the storage account's system topic sends it.
    private static JsonObject BlobDeleted(BlobClient blob) => new()
    {
        ["topic"] = $"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/{blob.AccountName}",
        ["subject"] = $"/blobServices/default/containers/{blob.BlobContainerName}/blobs/{blob.Name}",
        ["eventType"] = "Microsoft.Storage.BlobDeleted",
        ["id"] = Guid.NewGuid().ToString(),
        ["data"] = new JsonObject
        {
            ["api"] = "DeleteBlob",
            ["requestId"] = Guid.NewGuid().ToString(),
            ["contentType"] = "text/plain",
            ["blobType"] = "BlockBlob",
            ["url"] = blob.Uri.AbsoluteUri,
            ["sequencer"] = "0000000000000000000000000000A1B2000000000000c3d4",
            ["storageDiagnostics"] = new JsonObject { ["batchId"] = Guid.NewGuid().ToString() },
        },
        ["dataVersion"] = string.Empty,
        ["metadataVersion"] = "1",
        ["eventTime"] = DateTimeOffset.UtcNow.ToString("O"),
    };

    // The configured sink, except that an action runs before each removal, given the document's id.
    private sealed class BeforeRemoval(IVectorSinkFactory inner, Func<string, Task> action) : IVectorSinkFactory
    {
        public IVectorSink Create(int dimensions) => inner.Create(dimensions);

        public async Task RemoveAsync(string documentId, CancellationToken cancellationToken)
        {
            await action(documentId);
            await inner.RemoveAsync(documentId, cancellationToken);
        }
    }

    // The configured sink, except that before the first part is written anywhere it runs a removal.
    private sealed class RemovedBeforeFirstWrite(IVectorSinkFactory inner, Func<Task> removal) : IVectorSinkFactory
    {
        private int _writes;

        private Task RemoveAsync() => removal();

        public IVectorSink Create(int dimensions) => new Sink(inner.Create(dimensions), this);

        public Task RemoveAsync(string documentId, CancellationToken cancellationToken) => inner.RemoveAsync(documentId, cancellationToken);

        private sealed class Sink(IVectorSink inner, RemovedBeforeFirstWrite owner) : IVectorSink
        {
            public Task<string?> GetCommittedVersionAsync(string documentId, CancellationToken cancellationToken = default) => inner.GetCommittedVersionAsync(documentId, cancellationToken);

            public async Task WritePartAsync(DocumentDescriptor document, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken = default)
            {
                if (Interlocked.Increment(ref owner._writes) == 1)
                {
                    await owner.RemoveAsync();
                }

                await inner.WritePartAsync(document, records, cancellationToken);
            }

            public Task CommitAsync(DocumentDescriptor document, int chunkCount, CancellationToken cancellationToken = default) => inner.CommitAsync(document, chunkCount, cancellationToken);

            public Task AbandonAsync(DocumentDescriptor document, CancellationToken cancellationToken = default) => inner.AbandonAsync(document, cancellationToken);

            public Task RemoveAsync(string documentId, CancellationToken cancellationToken = default) => inner.RemoveAsync(documentId, cancellationToken);
        }
    }

    // Counts the reads of a blob's content, and runs an action once read number `after` has been answered.
    private sealed class AfterRead(int after, Func<Task> action) : global::Azure.Core.Pipeline.HttpPipelinePolicy
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public override void Process(global::Azure.Core.HttpMessage message, ReadOnlyMemory<global::Azure.Core.Pipeline.HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(global::Azure.Core.HttpMessage message, ReadOnlyMemory<global::Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            if (message.Request.Method == global::Azure.Core.RequestMethod.Get && Interlocked.Increment(ref _reads) == after)
            {
                await action();
            }
        }
    }

    // Uploads the blob again just before the second existence check of a removal: an upload that lands mid-removal.
    private sealed class UploadBeforeSecondCheck(Func<Task> upload) : global::Azure.Core.Pipeline.HttpPipelinePolicy
    {
        private int _checks;

        public override void Process(global::Azure.Core.HttpMessage message, ReadOnlyMemory<global::Azure.Core.Pipeline.HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(global::Azure.Core.HttpMessage message, ReadOnlyMemory<global::Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
        {
            if (message.Request.Method == global::Azure.Core.RequestMethod.Head && Interlocked.Increment(ref _checks) == 2)
            {
                await upload();
            }

            await ProcessNextAsync(message, pipeline);
        }
    }
}

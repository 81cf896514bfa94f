using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Jasper.Azure.Distribution;
using Jasper.Azure.Hosting;
using Jasper.Ingestion.Pipeline;
using Jasper.Ingestion.Telemetry;
using Jasper.Ingestion.Vectors;
using Jasper.Serving.Hosting;
using Jasper.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Jasper.Functions.Tests;

/// <summary>
/// The function classes called directly (Core Tools cannot run here) against Azurite started by the tests: an upload
/// goes through BlobIngest, its work items really sit on the queues, EmbedWorker drains them with the runtime's
/// retry behaviour simulated, and the vectors, the status and the completion event are checked.
/// </summary>
public sealed partial class IngestionFlowTests : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private readonly AzuriteFixture _azurite;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    // The reconciliation's clock (nothing else here reads one): a test moves it on to make the next reconciliation due.
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private ServiceProvider _services = null!;

    public IngestionFlowTests(AzuriteFixture azurite) => _azurite = azurite;

    private RecordingPublisher Events => (RecordingPublisher)_services.GetRequiredService<IDocumentEventPublisher>();

    private StorageAccount Storage => _services.GetRequiredService<StorageAccount>();

    public async Task InitializeAsync()
    {
        _services = BuildServices();
        foreach (string queue in WorkQueues.All)
        {
            foreach (string name in new[] { queue, WorkQueues.Poison(queue) })
            {
                var client = Storage.Queues.GetQueueClient(name);
                await client.CreateIfNotExistsAsync();
                await client.ClearMessagesAsync();
            }
        }

        foreach (string name in new[] { DocumentRemoval.Queue, WorkQueues.Poison(DocumentRemoval.Queue) })
        {
            var client = Storage.EventQueues.GetQueueClient(name);
            await client.CreateIfNotExistsAsync();
            await client.ClearMessagesAsync();
        }

        await _services.GetRequiredService<ModelHost>().WaitReadyAsync();
    }

    // The app's services over this test's containers and table, with what configure adds or replaces, settings beside
    // the test's, and what jasper changes in the options once bound (as the app's Program does).
    private ServiceProvider BuildServices(Action<IServiceCollection>? configure = null, IDictionary<string, string?>? settings = null, Action<JasperOptions>? jasper = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = _azurite.Emulator.ConnectionString,
            ["Jasper:Model:Path"] = TinyModels.Fp32,
            ["Jasper:Distribution:PartSize"] = "3",
            ["Jasper:Distribution:WorkContainer"] = "work" + _run,
            ["Jasper:Distribution:VectorsContainer"] = "vectors" + _run,
            ["Jasper:Distribution:StatusTable"] = "status" + _run,
            ["Jasper:Distribution:StuckAfter"] = "-00:01:00", // every queued document without progress is stuck to the sweep (allowing for clock skew)
            ["Jasper:Distribution:ReconcilePageSize"] = "2", // every reconciliation here takes more than one page
        }).AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IMeterFactory, TestMeterFactory>().AddJasper(configuration, jasper).AddSingleton<IDocumentEventPublisher, RecordingPublisher>()
            .AddSingleton<TimeProvider>(_clock);
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task An_upload_is_chunked_queued_embedded_and_completed_once()
    {
        using var documents = Collect("jasper.ingestion.documents");
        using var chunks = Collect("jasper.ingestion.chunks");
        var blob = await UploadAsync("guide.txt", Paragraphs(12), new Dictionary<string, string> { ["priority"] = "high" });

        await IngestAsync(blob);

        var status = await StatusAsync(blob);
        Assert.Equal(DocumentProgressState.Queued, status.State);
        Assert.True(status.Parts > 1);
        Assert.Equal(status.Parts, (await Queue(WorkQueues.High).PeekMessagesAsync(32)).Value.Length);
        Assert.Empty((await Queue(WorkQueues.Normal).PeekMessagesAsync(32)).Value);

        await DrainAsync(WorkQueues.High);

        status = await StatusAsync(blob);
        Assert.Equal(DocumentProgressState.Complete, status.State);
        var records = await RecordsAsync(status);
        Assert.Equal(status.Chunks, records.Count);
        Assert.Equal(Enumerable.Range(0, status.Chunks), records.Select(r => r.ChunkIndex));
        Assert.All(records, r => Assert.Equal("high", r.Priority));
        Assert.All(records, r => Assert.Equal(blob.Uri.AbsoluteUri, r.Source));
        var announced = Assert.Single(Events.Published);
        Assert.Equal(status.Chunks, announced.Chunks);
        Assert.Empty(await NamesAsync(Work(), status.DocumentId + "/"));
        Assert.Equal("succeeded", Assert.Single(documents.GetMeasurementSnapshot()).Tags["jasper.outcome"]);
        Assert.Equal(status.Chunks, chunks.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Fact]
    public async Task The_queue_depth_gauge_counts_the_parts_waiting_in_each_work_queue()
    {
        using var depth = Collect("jasper.ingestion.queue_depth");
        var depths = _services.GetRequiredService<WorkQueueDepths>();
        var blob = await UploadAsync("waiting.txt", Paragraphs(8), new Dictionary<string, string> { ["priority"] = "low" });
        await IngestAsync(blob);
        var status = await StatusAsync(blob);

        // An exporter's observation starts a read in the background and never waits for it: observe until it lands.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        depth.RecordObservableInstruments();
        while (!depth.GetMeasurementSnapshot().Any(m => (string)m.Tags["jasper.queue"]! == WorkQueues.Low && m.Value == status.Parts))
        {
            await Task.Delay(50, guard.Token); // polling for the background read, not timing it
            depth.RecordObservableInstruments();
        }

        await depths.RefreshAsync();
        depth.Clear();
        depth.RecordObservableInstruments();
        var waiting = depth.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags["jasper.queue"]!, m => m.Value);
        Assert.Equal(status.Parts, waiting[WorkQueues.Low]);
        Assert.Equal(0, waiting[WorkQueues.Poison(WorkQueues.Low)]);
        Assert.Equal(8, waiting.Count); // three work queues, the queue of deletions, and their poison queues

        await DrainAsync(WorkQueues.Low);
        await depths.RefreshAsync();
        depth.Clear();
        depth.RecordObservableInstruments();
        Assert.Equal(0, depth.GetMeasurementSnapshot().Single(m => (string)m.Tags["jasper.queue"]! == WorkQueues.Low).Value);
    }

    [Fact]
    public async Task Re_delivered_messages_duplicate_nothing()
    {
        using var documents = Collect("jasper.ingestion.documents");
        var blob = await UploadAsync("again.txt", Paragraphs(8));
        await IngestAsync(blob);
        var messages = (await Queue(WorkQueues.Normal).PeekMessagesAsync(32)).Value.Select(m => m.MessageText).ToList();

        await ProcessAsync(WorkQueues.Normal, messages[0], 1); // delivered twice before the document completes
        await DrainAsync(WorkQueues.Normal);
        var status = await StatusAsync(blob);
        var blobs = await NamesAsync(Vectors(), status.DocumentId + "/");
        foreach (string message in messages)
        {
            await ProcessAsync(WorkQueues.Normal, message, 2); // and again after it completed
        }

        Assert.Equal(DocumentProgressState.Complete, (await StatusAsync(blob)).State);
        Assert.Equal(blobs, await NamesAsync(Vectors(), status.DocumentId + "/"));
        Assert.Equal(status.Chunks, (await RecordsAsync(status)).Count);
        Assert.Single(Events.Published);
        Assert.Single(documents.GetMeasurementSnapshot()); // completed once, counted once
    }

    [Fact]
    public async Task A_part_that_keeps_failing_ends_in_the_poison_queue_with_the_reason_in_the_status()
    {
        using var documents = Collect("jasper.ingestion.documents");
        var blob = await UploadAsync("doomed.txt", Paragraphs(4));
        await IngestAsync(blob);
        var status = await StatusAsync(blob);
        foreach (string name in await NamesAsync(Work(), status.DocumentId + "/"))
        {
            await Work().DeleteBlobAsync(name); // the chunk sets vanish: every delivery fails
        }

        int failures = await DrainAsync(WorkQueues.Normal);

        status = await StatusAsync(blob);
        Assert.Equal(DocumentProgressState.Failed, status.State);
        Assert.Contains("failed 5 times", status.Error, StringComparison.Ordinal);
        Assert.Equal(status.Parts * 4, failures); // four retried deliveries per part, the fifth poisons
        Assert.Equal(status.Parts, (await Queue(WorkQueues.Poison(WorkQueues.Normal)).PeekMessagesAsync(32)).Value.Length);
        Assert.Empty(Events.Published);
        var failed = Assert.Single(documents.GetMeasurementSnapshot()); // however many parts failed
        Assert.Equal("failed", failed.Tags["jasper.outcome"]);
        Assert.Equal("failed", failed.Tags["error.type"]);
    }

    // Starts a delivery of blob that is held inside its planning read until the gate is released; returns once it is held.
    private async Task<(Task Delivery, HoldSecondRead Gate)> StartHeldDeliveryAsync(BlobClient blob)
    {
        var gate = new HoldSecondRead();
        var slowClient = new BlobServiceClient(_azurite.Emulator.ConnectionString, gate.Options())
            .GetBlobContainerClient(blob.BlobContainerName).GetBlobClient(blob.Name);
        var delivery = IngestAsync(slowClient);
        await gate.Holding;
        return (delivery, gate);
    }

    // What ingestion counts in this test's services alone.
    private MetricCollector<long> Collect(string instrument) => new(_services.GetRequiredService<IMeterFactory>(), IngestionMetrics.MeterName, instrument);

    [Fact]
    public async Task A_malformed_message_goes_straight_to_the_poison_queue()
    {
        await ProcessAsync(WorkQueues.Low, "{\"not\": \"a work item\"}", 1);
        var poisoned = Assert.Single((await Queue(WorkQueues.Poison(WorkQueues.Low)).PeekMessagesAsync(32)).Value);
        Assert.Equal("{\"not\": \"a work item\"}", poisoned.MessageText);
    }

    [Theory]
    [InlineData("image.png", "priority", "normal", "unsupported: binary content (PNG image)")]
    [InlineData("notes.txt", "priority", "urgent", "priority='urgent' must be high, normal or low")]
    [InlineData("notes.txt", "compression_ratio", "lots", "compression_ratio='lots'")]
    [InlineData("notes.txt", "compression_ratio", "0.05", "compression_ratio='0.05' must be a number between 0.1 and 1")]
    public async Task Documents_that_cannot_be_ingested_are_recorded_as_failed_and_queue_nothing(string name, string key, string value, string reason)
    {
        byte[] content = name.EndsWith(".png", StringComparison.Ordinal) ? [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3] : "some text"u8.ToArray();
        var blob = await UploadAsync(name, content, new Dictionary<string, string> { [key] = value });

        await IngestAsync(blob);

        var status = await StatusAsync(blob);
        Assert.Equal(DocumentProgressState.Failed, status.State);
        Assert.Contains(reason, status.Error, StringComparison.Ordinal);
        foreach (string queue in WorkQueues.All)
        {
            Assert.Empty((await Queue(queue).PeekMessagesAsync(32)).Value);
        }
    }

    [Fact]
    public async Task The_same_upload_again_leaves_the_completed_status_and_a_shrunk_one_replaces_its_vectors()
    {
        var blob = await UploadAsync("changing.txt", Paragraphs(10));
        await IngestAsync(blob);
        await DrainAsync(WorkQueues.Normal);
        var first = await StatusAsync(blob);

        await IngestAsync(blob);
        Assert.Equal(first, await StatusAsync(blob)); // still complete, with its counts
        Assert.Empty((await Queue(WorkQueues.Normal).PeekMessagesAsync(32)).Value);

        await blob.UploadAsync(new BinaryData("Only one short paragraph now."), overwrite: true);
        await IngestAsync(blob);
        await DrainAsync(WorkQueues.Normal);

        var second = await StatusAsync(blob);
        Assert.Equal(DocumentProgressState.Complete, second.State);
        Assert.NotEqual(first.Version, second.Version);
        var records = await RecordsAsync(second);
        Assert.Equal("Only one short paragraph now.", Assert.Single(records).Text);
        Assert.DoesNotContain(await NamesAsync(Vectors(), first.DocumentId + "/"), n => n.Contains(first.Version!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_blob_created_event_delivered_again_after_completion_leaves_the_status_and_the_vectors_alone()
    {
        var blob = await UploadAsync("done.txt", Paragraphs(8));
        await IngestAsync(blob);
        await DrainAsync(WorkQueues.Normal);
        var completed = await StatusAsync(blob);
        Assert.Equal(DocumentProgressState.Complete, completed.State);

        await IngestAsync(blob); // Event Grid delivers at least once

        Assert.Equal(completed, await StatusAsync(blob));
        Assert.Empty((await Queue(WorkQueues.Normal).PeekMessagesAsync(32)).Value);
        Assert.Single(Events.Published);
    }

    [Fact]
    public async Task A_blob_created_event_delivered_again_while_the_document_is_queued_plans_nothing_and_leaves_no_work_blobs()
    {
        var blob = await UploadAsync("inflight.txt", Paragraphs(8));
        await IngestAsync(blob);
        var queued = await StatusAsync(blob);

        await IngestAsync(blob); // again, before any part is embedded
        await DrainAsync(WorkQueues.Normal);

        var status = await StatusAsync(blob);
        Assert.Equal(DocumentProgressState.Complete, status.State);
        Assert.Equal(queued.Chunks, (await RecordsAsync(status)).Count);
        Assert.Single(Events.Published);
        Assert.Empty(await NamesAsync(Work(), status.DocumentId + "/")); // every run's chunk sets are gone
    }

    [Fact]
    public async Task A_slow_second_delivery_that_finishes_after_completion_does_not_reopen_the_document_or_announce_it_twice()
    {
        var blob = await UploadAsync("slow.txt", Paragraphs(8));

        // The second delivery starts first and is held inside its planning read; the first one runs to completion.
        var (slow, gate) = await StartHeldDeliveryAsync(blob);
        await IngestAsync(blob);
        await DrainAsync(WorkQueues.Normal);
        Assert.Equal(DocumentProgressState.Complete, (await StatusAsync(blob)).State);

        gate.Release();
        await slow;
        await DrainAsync(WorkQueues.Normal);

        var status = await StatusAsync(blob);
        Assert.Equal(DocumentProgressState.Complete, status.State);
        Assert.Single(Events.Published);
        Assert.Equal(status.Chunks, (await RecordsAsync(status)).Count);
        Assert.Empty(await NamesAsync(Work(), status.DocumentId + "/"));
    }

    [Fact]
    public async Task A_completion_event_that_fails_to_send_is_sent_by_the_next_delivery()
    {
        var blob = await UploadAsync("announce.txt", Paragraphs(8));
        await IngestAsync(blob);
        Events.FailNext = 1; // the completing delivery cannot reach Service Bus

        int failures = await DrainAsync(WorkQueues.Normal);

        Assert.Equal(1, failures); // the completing message came back
        var status = await StatusAsync(blob);
        Assert.Equal(DocumentProgressState.Complete, status.State);
        var announced = Assert.Single(Events.Published);
        Assert.Equal(status.Version, announced.Version);
        Assert.Equal(status.Chunks, announced.Chunks);
        Assert.Empty(await NamesAsync(Work(), status.DocumentId + "/"));
    }

    [Fact]
    public async Task A_completion_event_still_unsent_after_the_last_delivery_is_sent_by_the_sweep()
    {
        var blob = await UploadAsync("outage.txt", Paragraphs(8));
        await IngestAsync(blob);
        Events.FailNext = 100; // every delivery of the completing message fails to send

        await DrainAsync(WorkQueues.Normal);
        Assert.Empty(Events.Published);
        Assert.Equal(DocumentProgressState.Complete, (await StatusAsync(blob)).State); // the vectors are committed

        Events.FailNext = 0;
        var report = await _services.GetRequiredService<DocumentSweep>().SweepAsync();

        Assert.Equal(1, report.EventsSent);
        Assert.Equal((await StatusAsync(blob)).Version, Assert.Single(Events.Published).Version);
        Assert.Equal(0, (await _services.GetRequiredService<DocumentSweep>().SweepAsync()).EventsSent); // sent is sent
    }

    [Fact]
    public async Task Two_deliveries_planning_the_same_version_at_once_queue_its_parts_once()
    {
        var blob = await UploadAsync("twice.txt", Paragraphs(8));

        // Both deliveries read "no status"; the held one finishes planning after the other recorded the same version.
        var (slow, gate) = await StartHeldDeliveryAsync(blob);
        await IngestAsync(blob);
        gate.Release();
        await slow;

        var status = await StatusAsync(blob);
        Assert.Equal(status.Parts, (await Queue(WorkQueues.Normal).PeekMessagesAsync(32)).Value.Length);
        var runs = (await NamesAsync(Work(), $"{status.DocumentId}/{status.Version}/")).Select(n => n.Split('/')[2]).Distinct().ToList();
        Assert.Single(runs); // the run that lost the race removed its chunk sets
    }

    [Fact]
    public async Task The_sweep_finds_a_poisoned_part_behind_more_than_a_peek_of_other_poison_messages()
    {
        var blob = await UploadAsync("buried.txt", Paragraphs(8));
        await IngestAsync(blob);
        var poison = Queue(WorkQueues.Poison(WorkQueues.Normal));
        for (int i = 0; i < 40; i++)
        {
            await poison.SendMessageAsync($"{{\"old\": {i}}}"); // earlier failures nobody cleared
        }

        var killed = (await Queue(WorkQueues.Normal).ReceiveMessagesAsync(1)).Value.Single();
        await poison.SendMessageAsync(killed.MessageText);
        await Queue(WorkQueues.Normal).DeleteMessageAsync(killed.MessageId, killed.PopReceipt);
        await DrainAsync(WorkQueues.Normal);

        await _services.GetRequiredService<DocumentSweep>().SweepAsync();

        Assert.Equal(DocumentProgressState.Failed, (await StatusAsync(blob)).State);
        Assert.Equal(41, (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount); // left for whoever investigates
    }

    [Fact]
    public async Task The_app_parses_uploads_in_workers_of_its_own_so_one_that_exhausts_a_parser_fails_alone()
    {
        // The inspector's element limit lifted, 3 million letters on one page reach PdfPig (about 1.3 GB in one
        // process); in a worker of this app (its Program hands over to ExtractionWorker) they pass the heap limit.
        await _services.DisposeAsync();
        _services = BuildServices(
            settings: new Dictionary<string, string?>
            {
                ["Jasper:Ingestion:Extraction:MaxElements"] = int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Jasper:Ingestion:Extraction:Isolation:MemoryLimitBytes"] = (256L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Jasper:Ingestion:Extraction:Isolation:Timeout"] = "00:01:00", // were Program to start the Functions host instead, this would end it
            },
            jasper: IsolatedExtraction.Configure);
        var hostile = await UploadAsync("letters.pdf", DocumentFactory.PdfShowing(3_000_000));
        var good = await UploadAsync("report.pdf", DocumentFactory.Pdf(SampleParagraphs.Text(6).Split("\n\n")));

        await IngestAsync(hostile);
        await IngestAsync(good);

        var refused = await StatusAsync(hostile);
        Assert.Equal(DocumentProgressState.Failed, refused.State);
        Assert.Equal("too-large: parsing it needs more than the 256 MB of memory an extraction worker may use", refused.Error);
        Assert.Equal(DocumentProgressState.Queued, (await StatusAsync(good)).State);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", false)]
    public void An_empty_worker_path_setting_parses_in_the_apps_own_process(string? workerPath, bool isolated)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Jasper:Ingestion:Extraction:Isolation:WorkerPath"] = workerPath,
        }).Build();
        var options = new JasperOptions();
        configuration.GetSection(JasperOptions.Section).Bind(options);

        IsolatedExtraction.Configure(options);

        Assert.Equal(isolated, options.Ingestion.Extraction.Isolation.Enabled);
    }

    [Fact]
    public async Task A_document_whose_parser_error_quotes_100_KB_of_it_is_recorded_as_failed_with_a_reason_a_status_row_holds()
    {
        var blob = await UploadAsync("quoting.pdf", DocumentFactory.PdfWithQuotingError(DocumentFactory.HostileQuote));

        await IngestAsync(blob); // once: a bad document is not retried

        var status = await StatusAsync(blob);
        Assert.Equal(DocumentProgressState.Failed, status.State);
        Assert.StartsWith("corrupt: the PDF cannot be read", status.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(status.Error!, char.IsControl);
    }

    [Fact]
    public async Task A_document_whose_part_the_runtime_poisoned_is_failed_with_the_reason_by_the_sweep()
    {
        var blob = await UploadAsync("killed.txt", Paragraphs(8));
        await IngestAsync(blob);
        // The worker was killed (out of memory) on every delivery of one part, so the runtime itself moved the
        // message to the poison queue and no code of ours recorded why.
        var killed = (await Queue(WorkQueues.Normal).ReceiveMessagesAsync(1)).Value.Single();
        await Queue(WorkQueues.Poison(WorkQueues.Normal)).SendMessageAsync(killed.MessageText);
        await Queue(WorkQueues.Normal).DeleteMessageAsync(killed.MessageId, killed.PopReceipt);
        await DrainAsync(WorkQueues.Normal);
        Assert.Equal(DocumentProgressState.Queued, (await StatusAsync(blob)).State);

        await _services.GetRequiredService<DocumentSweep>().SweepAsync();

        var status = await StatusAsync(blob);
        Assert.Equal(DocumentProgressState.Failed, status.State);
        Assert.Contains("never finished", status.Error, StringComparison.Ordinal);
        Assert.Contains(WorkQueues.Poison(WorkQueues.Normal), status.Error, StringComparison.Ordinal);
        Assert.Empty(Events.Published);
    }

    [Fact]
    public async Task A_document_stuck_in_queued_with_a_lost_work_item_gets_it_queued_again_by_the_sweep_and_completes()
    {
        var blob = await UploadAsync("lost.txt", Paragraphs(8));
        await IngestAsync(blob);
        var lost = (await Queue(WorkQueues.Normal).ReceiveMessagesAsync(1)).Value.Single(); // never to be seen again
        await Queue(WorkQueues.Normal).DeleteMessageAsync(lost.MessageId, lost.PopReceipt);
        await DrainAsync(WorkQueues.Normal);
        Assert.Equal(DocumentProgressState.Queued, (await StatusAsync(blob)).State);

        var report = await _services.GetRequiredService<DocumentSweep>().SweepAsync();
        Assert.Equal(1, report.Requeued);
        await DrainAsync(WorkQueues.Normal);

        var status = await StatusAsync(blob);
        Assert.Equal(DocumentProgressState.Complete, status.State);
        Assert.Equal(status.Chunks, (await RecordsAsync(status)).Count);
        Assert.Single(Events.Published);
        Assert.Empty(await NamesAsync(Work(), status.DocumentId + "/"));
    }

    [Fact]
    public async Task A_document_that_stays_stuck_after_its_re_queues_is_failed_with_the_reason()
    {
        var blob = await UploadAsync("hopeless.txt", Paragraphs(8));
        await IngestAsync(blob);
        var sweep = _services.GetRequiredService<DocumentSweep>();
        for (int i = 0; i <= new DistributionOptions().MaxRequeues; i++)
        {
            await Queue(WorkQueues.Normal).ClearMessagesAsync(); // every item is lost, every time
            await sweep.SweepAsync();
        }

        var status = await StatusAsync(blob);
        Assert.Equal(DocumentProgressState.Failed, status.State);
        Assert.Contains("re-queued 2 times", status.Error, StringComparison.Ordinal);
    }

    private Task IngestAsync(BlobClient blob) => new BlobIngest(_services.GetRequiredService<BlobIngestion>()).Run(blob, CancellationToken.None);

    private static string Paragraphs(int count) => string.Join("\n\n", Enumerable.Range(0, count).Select(i =>
        $"Paragraph {i} of the uploaded document explains token compression, vector search and serverless ingestion in some detail. " +
        string.Join(' ', Enumerable.Repeat($"Filler sentence {i} keeps the chunk long enough to matter.", 12))));

    private QueueClient Queue(string name) => Storage.Queues.GetQueueClient(name);

    private BlobContainerClient Work() => Storage.Blobs.GetBlobContainerClient("work" + _run);

    private BlobContainerClient Vectors() => Storage.Blobs.GetBlobContainerClient("vectors" + _run);

    private Task<BlobClient> UploadAsync(string name, string text, IDictionary<string, string>? metadata = null) =>
        UploadAsync(name, System.Text.Encoding.UTF8.GetBytes(text), metadata);

    private async Task<BlobClient> UploadAsync(string name, byte[] content, IDictionary<string, string>? metadata = null)
    {
        var container = Storage.Blobs.GetBlobContainerClient("documents" + _run);
        await container.CreateIfNotExistsAsync();
        var blob = container.GetBlobClient(name);
        await blob.UploadAsync(new BinaryData(content), new BlobUploadOptions { Metadata = metadata });
        return blob;
    }

    private async Task<DocumentProgress> StatusAsync(BlobClient blob) =>
        await _services.GetRequiredService<DocumentStatusStore>().GetAsync(DocumentIds.FromSource(blob.Uri.AbsoluteUri)) ?? throw new InvalidOperationException("no status");

    private Task ProcessAsync(string queue, string message, long dequeueCount)
    {
        var worker = new EmbedWorker(_services.GetRequiredService<EmbedWork>());
        var context = new TestFunctionContext(dequeueCount);
        return queue switch
        {
            WorkQueues.High => worker.High(message, context),
            WorkQueues.Low => worker.Low(message, context),
            _ => worker.Normal(message, context),
        };
    }

    // Receives until the queue is empty. As the runtime does, a delivery that throws becomes visible again (here at
    // once) with a higher dequeue count; one that returns is deleted. Returns how many deliveries threw.
    private async Task<int> DrainAsync(string queue)
    {
        var client = Queue(queue);
        int failures = 0;
        while ((await client.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30))).Value is [var message])
        {
            try
            {
                await ProcessAsync(queue, message.MessageText, message.DequeueCount);
                await client.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                failures++;
                await client.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero);
            }
        }

        return failures;
    }

    private async Task<List<VectorRecord>> RecordsAsync(DocumentProgress status)
    {
        var records = new List<VectorRecord>();
        foreach (string name in (await NamesAsync(Vectors(), $"{status.DocumentId}/{status.Version}/")).Order(StringComparer.Ordinal))
        {
            string content = (await Vectors().GetBlobClient(name).DownloadContentAsync()).Value.Content.ToString();
            records.AddRange(content.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(VectorRecordSerializer.Parse));
        }

        return records;
    }

    private static async Task<List<string>> NamesAsync(BlobContainerClient container, string prefix)
    {
        var names = new List<string>();
        if (!await container.ExistsAsync())
        {
            return names;
        }

        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, CancellationToken.None))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    // Holds the second GET of a blob's content (the first reads it whole; the second belongs to the run's planning)
    // until released: a delivery that is still working when another one finishes.
    private sealed class HoldSecondRead : global::Azure.Core.Pipeline.HttpPipelinePolicy
    {
        private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _reads;

        public Task Holding => _holding.Task;

        public BlobClientOptions Options()
        {
            var options = new BlobClientOptions();
            options.AddPolicy(this, global::Azure.Core.HttpPipelinePosition.PerCall);
            return options;
        }

        public void Release() => _released.TrySetResult();

        public override void Process(global::Azure.Core.HttpMessage message, ReadOnlyMemory<global::Azure.Core.Pipeline.HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(global::Azure.Core.HttpMessage message, ReadOnlyMemory<global::Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
        {
            if (message.Request.Method == global::Azure.Core.RequestMethod.Get && Interlocked.Increment(ref _reads) == 2)
            {
                _holding.TrySetResult();
                await _released.Task;
            }

            await ProcessNextAsync(message, pipeline);
        }
    }

    private sealed class RecordingPublisher : IDocumentEventPublisher
    {
        private int _failures;

        public ConcurrentQueue<DocumentEmbeddedEvent> Published { get; } = new();

        public ConcurrentQueue<DocumentRemovedEvent> Removed { get; } = new();

        /// <summary>How many of the next sends fail (as a Service Bus outage would).</summary>
        public int FailNext
        {
            get => Volatile.Read(ref _failures);
            set => Volatile.Write(ref _failures, value);
        }

        public Task PublishAsync(DocumentEmbeddedEvent embedded, CancellationToken cancellationToken = default) => RecordAsync(Published, embedded);

        public Task PublishAsync(DocumentRemovedEvent removed, CancellationToken cancellationToken = default) => RecordAsync(Removed, removed);

        private Task RecordAsync<TEvent>(ConcurrentQueue<TEvent> sent, TEvent sending)
        {
            if (Interlocked.Decrement(ref _failures) >= 0)
            {
                throw new InvalidOperationException("Service Bus is unavailable (the test's outage).");
            }

            Interlocked.Exchange(ref _failures, 0);
            sent.Enqueue(sending);
            return Task.CompletedTask;
        }
    }
}

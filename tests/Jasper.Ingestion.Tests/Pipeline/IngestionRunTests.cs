using System.Diagnostics;
using Jasper.Embeddings.Checkpoints;
using Jasper.Embeddings.Conversion;
using Jasper.Embeddings.Inference;
using Jasper.Embeddings.Numerics;
using Jasper.Ingestion.Extraction.Isolation;
using Jasper.Ingestion.Pipeline;
using Jasper.Ingestion.Sinks;
using Jasper.Ingestion.Telemetry;
using Jasper.Ingestion.Tests.Extraction.Isolation;
using Jasper.Ingestion.Vectors;
using Jasper.TestSupport;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Jasper.Ingestion.Tests.Pipeline;

/// <summary>
/// <see cref="IngestionPipeline.IngestAllAsync(IEnumerable{DocumentSource}, CancellationToken)"/>: many documents in one run, planned ahead of the encoder and embedded
/// in inferences shared across documents, with each document's outcome its own and reports in input order. Every
/// test runs both ways: one document after another (as on the CPU) and planned ahead with writes beside the encoder
/// (as on a GPU).
/// </summary>
public sealed class IngestionRunTests : IDisposable
{
    private const string TestActivitySourceName = "Jasper.Ingestion.Tests.Run";
    private static readonly ActivitySource TestActivities = new(TestActivitySourceName);

    private readonly TempDirectory _dir = new();
    private readonly JasperEncoder _encoder = JasperEncoder.Load(TinyModels.Fp32);

    public void Dispose()
    {
        _encoder.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task Documents_share_inferences_and_each_gets_the_records_it_gets_alone(int ahead)
    {
        var files = Enumerable.Range(0, 7).Select(i => WriteText($"doc{i}.txt", Paragraphs(i % 3 == 0 ? 2 : 9, $"Document {i}"))).ToList();
        var options = new IngestionOptions { DocumentsAhead = ahead, InferenceTokens = 700 };
        var shared = new LocalDirectorySink(_dir.Combine("shared"));
        var alone = new LocalDirectorySink(_dir.Combine("alone"));

        var (reports, inferences) = await RecordingInferencesAsync(() => ToListAsync(new IngestionPipeline(_encoder, shared, options).IngestAllAsync(files.Select(DocumentSource.FromFile))));
        var single = new IngestionPipeline(_encoder, alone, new IngestionOptions { DocumentsAhead = 0 });

        Assert.Equal(files.Select(Path.GetFullPath), reports.Select(r => r.Source));
        Assert.All(reports, r => Assert.Equal(DocumentStatus.Succeeded, r.Status));
        foreach (var report in reports)
        {
            var again = await single.IngestAsync(DocumentSource.FromFile(report.Source));
            Assert.Equal(again.Chunks, report.Chunks);
            Assert.Equal(again.Tokens, report.Tokens);
            Assert.Equal(again.CompressedTokens, report.CompressedTokens);
            var mine = SinkRecords.Read(shared, report.DocumentId);
            var theirs = SinkRecords.Read(alone, report.DocumentId);
            Assert.Equal(theirs.Select(r => (r.Id, r.Text, r.CharStart, r.CharEnd, r.Tokens, r.CompressedTokens, r.CompressionRatio)),
                mine.Select(r => (r.Id, r.Text, r.CharStart, r.CharEnd, r.Tokens, r.CompressedTokens, r.CompressionRatio)));
            Assert.All(mine.Zip(theirs), pair => Assert.True(VectorMath.Cosine(pair.First.Embedding, pair.Second.Embedding) > 0.99999f, pair.First.Id));
        }

        // Inferences held chunks of several documents, and none held more than the tokens asked for plus one chunk.
        Assert.Contains(inferences, i => i.Documents > 1);
        Assert.All(inferences, i => Assert.True(i.Tokens < 700 + 512, $"{i.Tokens} tokens"));
        Assert.Equal(reports.Sum(r => r.Chunks), inferences.Sum(i => i.Chunks));
    }

    // The run stopped after three inferences had written the first document and parts of the second. Run again, the
    // first is unchanged and the second's chunks share other inferences, so it is cut into other parts: the commit
    // joined both runs' parts, and the index held some chunks twice.
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task A_run_stopped_part_way_and_run_again_leaves_every_chunk_in_the_index_once(int ahead)
    {
        var files = new[] { WriteText("small.txt", Paragraphs(10, "A small note")), WriteText("large.txt", Paragraphs(300, "A large report")) };
        var options = new IngestionOptions { DocumentsAhead = ahead, InferenceTokens = 700 };
        var sink = new LocalDirectorySink(_dir.Combine("out"));
        using var stop = new CancellationTokenSource();
        int inferences = 0;
        var stopAtTheThird = new SynchronousProgress<IngestionProgress>(_ =>
        {
            if (++inferences == 3)
            {
                stop.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ToListAsync(new IngestionPipeline(_encoder, sink, options).IngestAllAsync(files.Select(DocumentSource.FromFile), stopAtTheThird, stop.Token)));
        Assert.NotEmpty(Directory.GetFiles(_dir.Combine("out", LocalDirectorySink.StateDirectoryName), PartName.FilePattern, SearchOption.AllDirectories));
        var reports = await ToListAsync(new IngestionPipeline(_encoder, sink, options).IngestAllAsync(files.Select(DocumentSource.FromFile)));

        Assert.Equal([DocumentStatus.Unchanged, DocumentStatus.Succeeded], reports.Select(r => r.Status));
        var records = SinkRecords.Read(sink, reports[1].DocumentId);
        Assert.Equal(Enumerable.Range(0, reports[1].Chunks), records.Select(r => r.ChunkIndex));
    }

    [Fact]
    public async Task On_the_cpu_an_inference_is_one_batch_so_documents_end_as_often_as_they_did_alone()
    {
        // A full-size model embeds 300 to 2,000 tokens a second on two cores: inferences of several batches would hold
        // every report and commit back for minutes, where a part-full batch costs the CPU next to nothing.
        var files = Enumerable.Range(0, 12).Select(i => WriteText($"doc{i}.txt", Paragraphs(40, $"Document {i}"))).ToList();
        var pipeline = new IngestionPipeline(_encoder, new LocalDirectorySink(_dir.Combine("out")));
        Assert.Equal(ExecutionProvider.Cpu, _encoder.Provider.Provider);

        var (reports, inferences) = await RecordingInferencesAsync(() => ToListAsync(pipeline.IngestAllAsync(files.Select(DocumentSource.FromFile))));

        Assert.True(reports.Sum(r => r.Tokens) > 2 * _encoder.BatchTokenBudget);
        Assert.True(inferences.Count >= 2, $"{inferences.Count} inferences");
        Assert.All(inferences, i => Assert.True(i.Tokens < _encoder.BatchTokenBudget + 1024, $"{i.Tokens} tokens"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public async Task Bad_documents_fail_alone_in_input_order_and_each_document_is_counted_once(int ahead)
    {
        string folder = MixedDocuments.Write(_dir.Combine("docs"));
        var files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToList();
        var sink = new LocalDirectorySink(_dir.Combine("out"));
        using var meters = new TestMeterFactory();
        using var documents = new MetricCollector<long>(meters, IngestionMetrics.MeterName, "jasper.ingestion.documents");
        using var chunks = new MetricCollector<long>(meters, IngestionMetrics.MeterName, "jasper.ingestion.chunks");
        using var metrics = new IngestionMetrics(meters);
        var pipeline = new IngestionPipeline(_encoder, sink, new IngestionOptions { DocumentsAhead = ahead, InferenceTokens = 200 }, metrics: metrics);

        var reports = await ToListAsync(pipeline.IngestAllAsync(files.Select(DocumentSource.FromFile)));
        var again = await ToListAsync(pipeline.IngestAllAsync(files.Select(DocumentSource.FromFile)));

        Assert.Equal(files, reports.Select(r => r.Source));
        var byName = reports.ToDictionary(r => Path.GetFileName(r.Source));
        foreach (var (name, phrase) in MixedDocuments.Good)
        {
            Assert.True(byName[name].Status == DocumentStatus.Succeeded, $"{name}: {byName[name].Error}");
            Assert.Contains(SinkRecords.Read(sink, byName[name].DocumentId), r => r.Text.Contains(phrase, StringComparison.Ordinal));
        }

        foreach (var (name, kind) in MixedDocuments.Bad)
        {
            Assert.Equal(DocumentStatus.Failed, byName[name].Status);
            Assert.StartsWith(kind + ": ", byName[name].Error, StringComparison.Ordinal);
        }

        Assert.Equal(files, again.Select(r => r.Source));
        Assert.Equal(reports.Select(r => r.Status == DocumentStatus.Succeeded ? DocumentStatus.Unchanged : r.Status), again.Select(r => r.Status));
        var counted = documents.GetMeasurementSnapshot();
        Assert.Equal(reports.Count + again.Count, counted.Count);
        Assert.Equal(MixedDocuments.Good.Count, counted.Count(m => (string?)m.Tags["jasper.outcome"] == "succeeded"));
        Assert.Equal(MixedDocuments.Good.Count, counted.Count(m => (string?)m.Tags["jasper.outcome"] == "unchanged"));
        Assert.Equal(reports.Sum(r => r.Chunks), chunks.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Fact]
    public async Task Documents_planned_ahead_in_parallel_in_workers_get_what_they_get_in_this_process()
    {
        // Four documents extracted at once, from a pool of workers shared by the run's extractions.
        string folder = MixedDocuments.Write(_dir.Combine("docs"));
        foreach (string file in Directory.GetFiles(folder).Where(f => f.EndsWith(".pdf", StringComparison.Ordinal) || f.EndsWith(".docx", StringComparison.Ordinal) || f.EndsWith(".html", StringComparison.Ordinal)))
        {
            for (int copy = 1; copy <= 3; copy++)
            {
                File.Copy(file, Path.Combine(folder, $"copy{copy}-{Path.GetFileName(file)}"));
            }
        }

        var files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToList();
        var isolated = new IngestionOptions { DocumentsAhead = 4, InferenceTokens = 300, Extraction = TestWorkers.Options(ExtractionWorker.Argument) };
        var inWorkers = new LocalDirectorySink(_dir.Combine("workers"));
        var inProcess = new LocalDirectorySink(_dir.Combine("process"));

        var theirs = await ToListAsync(new IngestionPipeline(_encoder, inWorkers, isolated).IngestAllAsync(files.Select(DocumentSource.FromFile)));
        var ours = await ToListAsync(new IngestionPipeline(_encoder, inProcess, new IngestionOptions { DocumentsAhead = 4, InferenceTokens = 300 }).IngestAllAsync(files.Select(DocumentSource.FromFile)));

        Assert.Equal(ours.Select(r => (r.Source, r.Status, r.Error, r.Chunks)), theirs.Select(r => (r.Source, r.Status, r.Error, r.Chunks)));
        Assert.Contains(theirs, r => r.Status == DocumentStatus.Succeeded);
        foreach (var report in ours.Where(r => r.Status == DocumentStatus.Succeeded))
        {
            var expected = SinkRecords.Read(inProcess, report.DocumentId);
            var actual = SinkRecords.Read(inWorkers, report.DocumentId);
            Assert.Equal(expected.Select(r => r.Text), actual.Select(r => r.Text));
            Assert.Equal(expected.SelectMany(r => r.Embedding), actual.SelectMany(r => r.Embedding));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task A_document_the_sink_refuses_fails_alone_and_leaves_no_part_behind(int ahead)
    {
        var files = Enumerable.Range(0, 5).Select(i => WriteText($"doc{i}.txt", Paragraphs(40, $"Document {i}"))).ToList();
        string refused = DocumentSource.FromFile(files[2]).DocumentId;
        var sink = new RefusingSink(new LocalDirectorySink(_dir.Combine("out")), refused, afterParts: 1);
        var pipeline = new IngestionPipeline(_encoder, sink, new IngestionOptions { DocumentsAhead = ahead, InferenceTokens = 300 });

        var reports = await ToListAsync(pipeline.IngestAllAsync(files.Select(DocumentSource.FromFile)));

        Assert.Equal(files.Select(Path.GetFullPath), reports.Select(r => r.Source));
        Assert.Equal("failed: the disk is full", reports[2].Error);
        Assert.All(reports.Where((_, i) => i != 2), r => Assert.Equal(DocumentStatus.Succeeded, r.Status));
        Assert.True(sink.PartsWritten(refused) >= 1, "the refusal came after a part was written");
        Assert.Equal(1, sink.Abandoned(refused));
        Assert.False(File.Exists(sink.Inner.RecordsPath(refused)));
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Combine("out", LocalDirectorySink.StateDirectoryName), refused + "*"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task An_encoder_that_cannot_embed_fails_every_document_with_its_reason_and_the_run_ends(int ahead)
    {
        var files = Enumerable.Range(0, 4).Select(i => WriteText($"doc{i}.txt", Paragraphs(3, $"Document {i}"))).ToList();
        var encoder = JasperEncoder.Load(TinyModels.Fp32);
        var pipeline = new IngestionPipeline(encoder, new LocalDirectorySink(_dir.Combine("out")), new IngestionOptions { DocumentsAhead = ahead });
        encoder.Dispose();

        var reports = await ToListAsync(pipeline.IngestAllAsync(files.Select(DocumentSource.FromFile)));

        Assert.Equal(files.Select(Path.GetFullPath), reports.Select(r => r.Source));
        Assert.All(reports, r => Assert.Equal(DocumentStatus.Failed, r.Status));
        Assert.All(reports, r => Assert.StartsWith("failed: ", r.Error, StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(_dir.Combine("out"), "*.jsonl"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task A_document_the_encoder_fails_on_fails_alone_and_the_documents_that_shared_its_inference_succeed(int ahead)
    {
        // The encoder fails on one document's chunks only: a model whose embedding table stops before the tokenizer's
        // chat tokens, so ONNX Runtime's Gather refuses the one document that holds one (as a device refuses a chunk
        // it has no memory for). Every document fits one inference.
        string model = ModelWithoutChatTokens();
        using var encoder = JasperEncoder.Load(model);
        var files = Enumerable.Range(0, 5).Select(i => WriteText($"doc{i}.txt", Paragraphs(3, i == 2 ? "Document <|im_start|> 2" : $"Document {i}"))).ToList();
        var sink = new LocalDirectorySink(_dir.Combine("out"));
        var pipeline = new IngestionPipeline(encoder, sink, new IngestionOptions { DocumentsAhead = ahead, InferenceTokens = 100_000 });
        var alone = new IngestionPipeline(encoder, new LocalDirectorySink(_dir.Combine("alone")));

        var (reports, inferences) = await RecordingInferencesAsync(() => ToListAsync(pipeline.IngestAllAsync(files.Select(DocumentSource.FromFile))));

        Assert.Contains(inferences, i => i.Documents == files.Count);
        Assert.Equal(files.Select(Path.GetFullPath), reports.Select(r => r.Source));
        Assert.Equal(DocumentStatus.Failed, reports[2].Status);
        Assert.Contains("151644", reports[2].Error, StringComparison.Ordinal); // the token the model lacks
        Assert.False(File.Exists(sink.RecordsPath(reports[2].DocumentId)));
        foreach (var report in reports.Where((_, i) => i != 2))
        {
            Assert.Equal(DocumentStatus.Succeeded, report.Status);
            var expected = await alone.IngestAsync(DocumentSource.FromFile(report.Source));
            Assert.Equal(expected.Chunks, SinkRecords.Read(sink, report.DocumentId).Count);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task Cancelling_a_run_stops_it_and_leaves_no_spool_behind(int ahead)
    {
        var files = Enumerable.Range(0, 12).Select(i => WriteText($"doc{i}.txt", Paragraphs(6, $"Document {i}"))).ToList();
        string spool = Directory.CreateDirectory(_dir.Combine("spool")).FullName;
        var pipeline = new IngestionPipeline(_encoder, new LocalDirectorySink(_dir.Combine("out")), new IngestionOptions { DocumentsAhead = ahead, InferenceTokens = 300, SpoolDirectory = spool });
        using var cancel = new CancellationTokenSource();
        var seen = new List<DocumentReport>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var report in pipeline.IngestAllAsync(files.Select(DocumentSource.FromFile), cancel.Token))
            {
                seen.Add(report);
                if (seen.Count == 2)
                {
                    await cancel.CancelAsync();
                }
            }
        });

        Assert.Equal(2, seen.Count);
        Assert.Empty(Directory.GetFileSystemEntries(spool));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task A_source_listed_twice_in_a_run_is_ingested_once(int ahead)
    {
        var files = Enumerable.Range(0, 3).Select(i => WriteText($"doc{i}.txt", Paragraphs(40, $"Document {i}"))).ToList();
        var sink = new LocalDirectorySink(_dir.Combine("out"));
        var pipeline = new IngestionPipeline(_encoder, sink, new IngestionOptions { DocumentsAhead = ahead, InferenceTokens = 300 });
        var alone = new IngestionPipeline(_encoder, new LocalDirectorySink(_dir.Combine("alone")));

        var reports = await ToListAsync(pipeline.IngestAllAsync(new[] { files[0], files[1], files[0], files[2], files[1] }.Select(DocumentSource.FromFile)));

        Assert.Equal(
            [DocumentStatus.Succeeded, DocumentStatus.Succeeded, DocumentStatus.Unchanged, DocumentStatus.Succeeded, DocumentStatus.Unchanged],
            reports.Select(r => r.Status));
        Assert.Equal(reports[0].DocumentId, reports[2].DocumentId);
        var expected = await alone.IngestAsync(DocumentSource.FromFile(files[0]));
        Assert.Equal(expected.Chunks, SinkRecords.Read(sink, reports[0].DocumentId).Count);
        Assert.Equal(SinkRecords.Read(sink, reports[0].DocumentId).Select(r => r.Id), SinkRecords.Read(sink, reports[0].DocumentId).Select(r => r.Id).Distinct());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task Progress_is_heard_after_each_inference_so_a_long_document_shows_it_is_moving(int ahead)
    {
        // One long document is many inferences: on the CPU, minutes in which no document ends.
        var files = new[] { WriteText("long.txt", Paragraphs(60, "Long")), WriteText("short.txt", Paragraphs(2, "Short")) };
        var pipeline = new IngestionPipeline(_encoder, new LocalDirectorySink(_dir.Combine("out")), new IngestionOptions { DocumentsAhead = ahead, InferenceTokens = 300 });
        var heard = new List<IngestionProgress>();

        var (reports, inferences) = await RecordingInferencesAsync(() => ToListAsync(pipeline.IngestAllAsync(files.Select(DocumentSource.FromFile), new SynchronousProgress<IngestionProgress>(heard.Add))));

        Assert.True(inferences.Count >= 5, $"{inferences.Count} inferences");
        Assert.Equal(inferences.Count, heard.Count);
        Assert.Equal(new IngestionProgress(reports.Sum(r => r.Chunks), reports.Sum(r => r.Tokens)), heard[^1]);
        Assert.All(heard.Zip(heard.Skip(1)), pair => Assert.True(pair.Second.Chunks > pair.First.Chunks && pair.Second.Tokens > pair.First.Tokens));
    }

    [Fact]
    public async Task A_document_read_once_gets_the_same_report_alone_as_in_a_run()
    {
        string file = WriteText("one.txt", Paragraphs(40, "Only"));
        var pipeline = new IngestionPipeline(_encoder, new LocalDirectorySink(_dir.Combine("out")));
        var other = new IngestionPipeline(_encoder, new LocalDirectorySink(_dir.Combine("other")));

        var alone = await pipeline.IngestAsync(DocumentSource.FromFile(file));
        var inRun = Assert.Single(await ToListAsync(other.IngestAllAsync([DocumentSource.FromFile(file)])));

        Assert.Equal(alone with { Elapsed = default }, inRun with { Elapsed = default });
        Assert.True(alone.Chunks > 1);
    }

    // Runs the body with a parent activity of its own, and returns the `embed chunks` activities under it: each shared
    // inference, with how many documents, chunks and tokens it held.
    private static async Task<(T Result, List<(int Documents, int Chunks, long Tokens)> Inferences)> RecordingInferencesAsync<T>(Func<Task<T>> body)
    {
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is IngestionMetrics.ActivitySourceName or TestActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (stopped)
                {
                    stopped.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        ActivityTraceId trace;
        T result;
        using (var parent = TestActivities.StartActivity("test run"))
        {
            trace = parent!.TraceId;
            result = await body();
        }

        lock (stopped)
        {
            return (result, stopped.Where(a => a.TraceId == trace && a.OperationName == "embed chunks")
                .Select(a => ((int)a.GetTagItem("jasper.documents")!, (int)a.GetTagItem("jasper.chunks")!, (long)a.GetTagItem("jasper.tokens")!)).ToList());
        }
    }

    // The tiny model of the goldens, but with a vocabulary that ends before the tokenizer's chat tokens (151644 on).
    private string ModelWithoutChatTokens()
    {
        var options = RandomCheckpointOptions.ForPreset("tiny", RepoPaths.QwenTokenizer);
        options = options with { Config = options.Config with { VocabSize = 151644 } };
        RandomCheckpoint.Write(options, _dir.Combine("short-vocabulary", "checkpoint"));
        ModelConverter.Convert(new ConvertOptions
        {
            SourceDirectory = _dir.Combine("short-vocabulary", "checkpoint"),
            OutputDirectory = _dir.Combine("short-vocabulary", "fp32"),
            Name = "jasper-tiny-short-vocabulary",
        });
        return _dir.Combine("short-vocabulary", "fp32");
    }

    private static async Task<List<DocumentReport>> ToListAsync(IAsyncEnumerable<DocumentReport> reports)
    {
        var list = new List<DocumentReport>();
        await foreach (var report in reports)
        {
            list.Add(report);
        }

        return list;
    }

    private static string Paragraphs(int count, string subject) => SampleParagraphs.Text(count, subject);

    private string WriteText(string name, string text) => _dir.WriteText(text, "docs", name);

    // A local directory sink that refuses one document's parts after it has written some, as a full disk would.
    private sealed class RefusingSink(LocalDirectorySink inner, string documentId, int afterParts) : IVectorSink
    {
        private readonly Dictionary<string, int> _parts = [];
        private readonly Dictionary<string, int> _abandoned = [];

        public LocalDirectorySink Inner => inner;

        public int PartsWritten(string id)
        {
            lock (_parts)
            {
                return _parts.GetValueOrDefault(id);
            }
        }

        public int Abandoned(string id)
        {
            lock (_abandoned)
            {
                return _abandoned.GetValueOrDefault(id);
            }
        }

        public Task<string?> GetCommittedVersionAsync(string documentId, CancellationToken cancellationToken = default) =>
            inner.GetCommittedVersionAsync(documentId, cancellationToken);

        public async Task WritePartAsync(DocumentDescriptor document, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken = default)
        {
            lock (_parts)
            {
                if (document.DocumentId == documentId && _parts.GetValueOrDefault(documentId) >= afterParts)
                {
                    throw new IOException("the disk is full");
                }
            }

            await inner.WritePartAsync(document, records, cancellationToken);
            lock (_parts)
            {
                _parts[document.DocumentId] = _parts.GetValueOrDefault(document.DocumentId) + 1;
            }
        }

        public Task CommitAsync(DocumentDescriptor document, int chunkCount, CancellationToken cancellationToken = default) =>
            inner.CommitAsync(document, chunkCount, cancellationToken);

        public Task AbandonAsync(DocumentDescriptor document, CancellationToken cancellationToken = default)
        {
            lock (_abandoned)
            {
                _abandoned[document.DocumentId] = _abandoned.GetValueOrDefault(document.DocumentId) + 1;
            }

            return inner.AbandonAsync(document, cancellationToken);
        }

        public Task RemoveAsync(string documentId, CancellationToken cancellationToken = default) => inner.RemoveAsync(documentId, cancellationToken);
    }
}

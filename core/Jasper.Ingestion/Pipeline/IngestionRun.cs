using System.Diagnostics;
using System.Runtime.CompilerServices;
using Jasper.Embeddings.Inference;
using Jasper.Ingestion.Chunking;
using Jasper.Ingestion.Extraction;
using Jasper.Ingestion.Telemetry;
using Microsoft.Extensions.Logging;

namespace Jasper.Ingestion.Pipeline;

/// <summary>
/// Many documents through one pipeline in this process
/// (<see cref="IngestionPipeline.IngestAllAsync(IEnumerable{DocumentSource}, IProgress{IngestionProgress}?, CancellationToken)"/>),
/// in three stages: documents are planned (extracted and chunked into a spool each) ahead of the encoder, in parallel;
/// their chunks are gathered, across documents and in order, into inferences (one encoder batch each on the CPU, four
/// on a GPU); and one writer writes each document's records, commits it once all of them are written, and ends it. A
/// document's failure is its own. Reports come out in input order.
/// </summary>
/// <remarks>
/// Why: a document's own chunks are often too few to fill a GPU's batch (a 10 KB file is a few chunks), and
/// extracting and chunking run on one core at about half a million tokens a second, which is the speed the fused
/// fp16 graph embeds at on an H200. One document after another, the GPU would wait for the host about half the time
/// and run part-empty batches. With <c>ahead</c> of 0 (the CPU, whose cores the encoder keeps busy) the stages run
/// one after another, and only the shared inferences remain.
/// </remarks>
internal sealed partial class IngestionRun
{
    private readonly IngestionPipeline _pipeline;
    private readonly int _ahead;
    private readonly ILogger _logger;
    private readonly IngestionMetrics? _metrics;
    private readonly IProgress<IngestionProgress>? _progress;
    private IngestionProgress _embedded;

    /// <summary>A run of <paramref name="pipeline"/>, shaped by its options and the device its encoder runs on.</summary>
    public IngestionRun(IngestionPipeline pipeline, ILogger logger, IngestionMetrics? metrics, IProgress<IngestionProgress>? progress = null)
    {
        _pipeline = pipeline;
        _ahead = pipeline.Options.DocumentsAhead
            ?? (OnCpu ? 0 : Math.Min(Environment.ProcessorCount, IngestionOptions.MostDocumentsAhead));
        _logger = logger;
        _metrics = metrics;
        _progress = progress;
    }

    private bool OnCpu => _pipeline.Encoder.Provider.Provider == ExecutionProvider.Cpu;

    // One batch on the CPU: a full-size model embeds 300 to 2,000 tokens a second on two cores (fp32, README), so a
    // batch takes up to half a minute, larger inferences would hold reports and commits back for minutes, and a
    // part-full batch costs the CPU next to nothing. Four on a GPU, where a part-full batch leaves the device idle and
    // an inference takes under a second. The encoder's budget can come down during a run (a GPU that runs out of
    // memory), so it is read at each inference.
    private long InferenceTokens => _pipeline.Options.InferenceTokens
        ?? (OnCpu ? 1L : 4L) * _pipeline.Encoder.BatchTokenBudget;

    public async IAsyncEnumerable<DocumentReport> RunAsync(IEnumerable<DocumentSource> documents, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sources = documents.GetEnumerator();
        var planning = new Queue<Task<Planned>>();
        var reporting = new Queue<Entry>(); // every document taken, in input order, until reported
        var gathering = new Inference();
        var taken = new HashSet<string>(StringComparer.Ordinal); // document ids: a source listed twice is ingested once
        Task writing = Task.CompletedTask;
        try
        {
            while (true)
            {
                // The next document, and as many ahead of it, are being planned while this one is embedded.
                while (planning.Count <= _ahead && sources.MoveNext())
                {
                    var source = sources.Current ?? throw new ArgumentException("A document source is null.", nameof(documents));
                    planning.Enqueue(taken.Add(source.DocumentId)
                        ? Task.Run(() => PlanAsync(source, stop.Token), stop.Token)
                        : Task.FromResult(new Planned(source, Stopwatch.StartNew(), null) { Repeated = true }));
                }

                if (!planning.TryDequeue(out var next))
                {
                    break;
                }

                var planned = await next.ConfigureAwait(false);
                var entry = new Entry(planned);
                reporting.Enqueue(entry);
                if (planned.Error is Exception error)
                {
                    Fail(entry, error);
                }
                else if (planned.Repeated || planned.Plan!.Unchanged)
                {
                    End(entry, entry.Report(DocumentStatus.Unchanged));
                }
                else
                {
                    await using (planned.Spool!.ConfigureAwait(false))
                    {
                        await foreach (var chunk in planned.Spool!.ReadAsync(stop.Token).ConfigureAwait(false))
                        {
                            if (entry.HasEnded)
                            {
                                break; // the writer failed it: the rest of its chunks are not embedded
                            }

                            gathering.Add(entry, chunk);
                            if (gathering.Tokens >= InferenceTokens)
                            {
                                writing = await EmbedAsync(gathering, writing, stop.Token).ConfigureAwait(false);
                                gathering = new Inference();
                            }
                        }
                    }
                }

                while (reporting.TryPeek(out var head) && head.Ended is DocumentReport report)
                {
                    stop.Token.ThrowIfCancellationRequested();
                    reporting.Dequeue();
                    yield return report;
                }
            }

            writing = await EmbedAsync(gathering, writing, stop.Token).ConfigureAwait(false);
            await writing.ConfigureAwait(false);
            while (reporting.TryDequeue(out var entry))
            {
                stop.Token.ThrowIfCancellationRequested();
                yield return entry.Ended ?? throw new UnreachableException($"{entry.Planned.Source.Source} was never ended.");
            }
        }
        finally
        {
            // Only cancellation, a caller that stops reading, or a failure of the run itself gets here with work in flight.
            await stop.CancelAsync().ConfigureAwait(false);
            await writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            foreach (var unfinished in reporting.Where(e => !e.HasEnded))
            {
                unfinished.Planned.Activity?.Dispose();
            }

            while (planning.TryDequeue(out var pending))
            {
                await ((Task)pending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (pending.IsCompletedSuccessfully)
                {
                    if (pending.Result.Spool is ChunkSpool spool)
                    {
                        await spool.DisposeAsync().ConfigureAwait(false);
                    }

                    pending.Result.Activity?.Dispose();
                }
            }
        }
    }

    // Extracts and chunks a document into a spool of its own; a document that fails or is unchanged ends here.
    private async Task<Planned> PlanAsync(DocumentSource source, CancellationToken cancellationToken)
    {
        var activity = IngestionMetrics.Activities.StartActivity("ingest document");
        activity?.SetTag("jasper.document.source", source.Source);
        var watch = Stopwatch.StartNew();
        ChunkSpool? spool = null;
        try
        {
            spool = new ChunkSpool(_pipeline.Options.SpoolDirectory);
            var plan = await _pipeline.PlanAsync(source, spool.WriteAsync, cancellationToken).ConfigureAwait(false);
            if (!plan.Unchanged)
            {
                return new Planned(source, watch, activity) { Plan = plan, Spool = spool };
            }

            await spool.DisposeAsync().ConfigureAwait(false);
            return new Planned(source, watch, activity) { Plan = plan };
        }
        catch (Exception ex)
        {
            if (spool is not null)
            {
                await spool.DisposeAsync().ConfigureAwait(false);
            }

            if (ex is OperationCanceledException)
            {
                activity?.Dispose();
                throw;
            }

            return new Planned(source, watch, activity) { Error = ex };
        }
    }

    // Tokenizes and embeds the chunks gathered, then hands them to the writer once it has written the last inference;
    // returns the new writing. Beside the encoder (ahead > 0) the writing goes on while the next inference is gathered.
    private async Task<Task> EmbedAsync(Inference inference, Task writing, CancellationToken cancellationToken)
    {
        if (inference.Segments.Count > 0)
        {
            using (var activity = IngestionMetrics.Activities.StartActivity("embed chunks"))
            {
                activity?.SetTag("jasper.documents", inference.Segments.Select(s => s.Entry).Distinct().Count());
                activity?.SetTag("jasper.chunks", inference.Segments.Sum(s => s.Chunks.Count));
                activity?.SetTag("jasper.tokens", inference.Tokens);
                await inference.EmbedAsync(_pipeline, cancellationToken).ConfigureAwait(false);
            }

            // Inferences are embedded one after another, so this is the only writer of the count.
            if (_progress is not null)
            {
                var embedded = inference.Segments.Where(s => s.Embeddings is not null).SelectMany(s => s.Embeddings!).ToList();
                _embedded = new IngestionProgress(_embedded.Chunks + embedded.Count, _embedded.Tokens + embedded.Sum(e => (long)e.Tokens));
                _progress.Report(_embedded);
            }
        }

        await writing.ConfigureAwait(false); // one writer at a time keeps each document's parts and commit in order
        var next = Task.Run(() => WriteAsync(inference, cancellationToken), cancellationToken);
        if (_ahead == 0)
        {
            await next.ConfigureAwait(false);
        }

        return next;
    }

    private async Task WriteAsync(Inference inference, CancellationToken cancellationToken)
    {
        foreach (var segment in inference.Segments)
        {
            var entry = segment.Entry;
            if (entry.HasEnded)
            {
                continue;
            }

            var plan = entry.Planned.Plan!;
            var failure = segment.Error;
            if (failure is null)
            {
                try
                {
                    var part = await _pipeline.WritePartAsync(plan, segment.Chunks, segment.Embeddings!, cancellationToken).ConfigureAwait(false);
                    entry.Written = entry.Written.Add(part);
                    if (entry.Written.Chunks == plan.Chunks)
                    {
                        await _pipeline.Sink.CommitAsync(plan.Document, plan.Chunks, cancellationToken).ConfigureAwait(false);
                        Succeed(entry);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failure = ex;
                }
            }

            if (failure is not null)
            {
                Fail(entry, failure);
                await AbandonQuietlyAsync(plan.Document).ConfigureAwait(false);
            }
        }
    }

    private void Succeed(Entry entry)
    {
        var total = entry.Written;
        var report = entry.Report(DocumentStatus.Succeeded) with
        {
            Chunks = total.Chunks,
            Tokens = total.Tokens,
            CompressedTokens = total.CompressedTokens,
            MeanRatio = total.RatioSum / total.Chunks,
        };
        End(entry, report);
    }

    private void Fail(Entry entry, Exception error)
    {
        var report = entry.Report(DocumentStatus.Failed) with { Error = DocumentException.ReasonFor(error) };
        End(entry, report, (error as DocumentException)?.Kind);
    }

    // Counts, logs and reports a document, once, however it ended.
    private void End(Entry entry, DocumentReport report, DocumentErrorKind? error = null)
    {
        report = report with { Elapsed = entry.Planned.Watch.Elapsed };
        if (report.Status == DocumentStatus.Succeeded)
        {
            LogDocument(_logger, report.Source, report.Chunks, report.Tokens, report.CompressedTokens, report.MeanRatio, report.Elapsed.TotalSeconds);
        }
        else if (report.Status == DocumentStatus.Failed)
        {
            LogFailure(_logger, report.Source, report.Error!);
            entry.Planned.Activity?.SetStatus(ActivityStatusCode.Error, report.Error);
        }

        _metrics?.DocumentEnded(report.Status, error);
        entry.Planned.Activity?.Dispose();
        entry.Ended = report;
    }

    private async Task AbandonQuietlyAsync(Sinks.DocumentDescriptor document)
    {
        try
        {
            await _pipeline.Sink.AbandonAsync(document).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Best effort: the document has already failed, and a sink of any kind (files, blobs, an index) may fail to
            // clean up; the original failure is what the caller must see.
            LogFailure(_logger, document.Source, $"could not remove the abandoned version: {ex.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingested {Source}: {Chunks} chunks, {Tokens} tokens, {Compressed} after compression (mean ratio {Ratio:0.###}) in {Seconds:0.00} s")]
    private static partial void LogDocument(ILogger logger, string source, int chunks, long tokens, long compressed, double ratio, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not ingest {Source}: {Reason}")]
    private static partial void LogFailure(ILogger logger, string source, string reason);

    // A document as planning left it: its plan and spool, or why it failed.
    private sealed record Planned(DocumentSource Source, Stopwatch Watch, Activity? Activity)
    {
        public DocumentPlan? Plan { get; init; }

        public ChunkSpool? Spool { get; init; }

        public Exception? Error { get; init; }

        // The run has already taken a source with this document id. Both in flight, two versions of one document (a
        // file that changed in between) could commit over each other's parts, so the repeat is not ingested again.
        public bool Repeated { get; init; }
    }

    // A document from the moment it is taken until it is reported. Only the writer changes it after planning, save
    // for a document that ended in planning, which the writer never sees.
    private sealed class Entry(Planned planned)
    {
        private DocumentReport? _ended;

        public Planned Planned { get; } = planned;

        public PartReport Written { get; set; } = PartReport.Empty;

        // Read by the gathering stage while the writer may set it.
        public DocumentReport? Ended
        {
            get => Volatile.Read(ref _ended);
            set => Volatile.Write(ref _ended, value);
        }

        public bool HasEnded => Ended is not null;

        public DocumentReport Report(DocumentStatus status) => new()
        {
            DocumentId = Planned.Source.DocumentId,
            Source = Planned.Source.Source,
            Status = status,
            Format = Planned.Plan?.Format,
        };
    }

    // Consecutive chunks of one document in an inference; after embedding, their vectors or why they have none.
    private sealed class Segment(Entry entry)
    {
        public Entry Entry { get; } = entry;

        public List<TextChunk> Chunks { get; } = [];

        public IReadOnlyList<TextEmbedding>? Embeddings { get; set; }

        public Exception? Error { get; set; }
    }

    // Chunks gathered from consecutive documents for one call to the encoder.
    private sealed class Inference
    {
        public List<Segment> Segments { get; } = [];

        public long Tokens { get; private set; }

        public void Add(Entry entry, TextChunk chunk)
        {
            if (Segments.Count == 0 || Segments[^1].Entry != entry)
            {
                Segments.Add(new Segment(entry));
            }

            Segments[^1].Chunks.Add(chunk);
            Tokens += chunk.Tokens;
        }

        // Tokenizes every chunk on every core and embeds them in one call. A chunk that cannot be tokenized fails its
        // document only. When the call fails holding several documents, each runs again on its own, so that one
        // document's failure (a chunk the device has no memory for) fails only that document, as the dynamic batcher
        // does for requests; an encoder that cannot embed at all fails each of them with its error.
        public async Task EmbedAsync(IngestionPipeline pipeline, CancellationToken cancellationToken)
        {
            var chunks = Segments.SelectMany(s => s.Chunks.Select(c => (Segment: s, Chunk: c))).ToArray();
            var prepared = new PreparedText[chunks.Length];
            var errors = new Exception?[chunks.Length];
            Parallel.For(0, chunks.Length, new ParallelOptions { CancellationToken = cancellationToken }, i =>
            {
                try
                {
                    prepared[i] = pipeline.Prepare(chunks[i].Segment.Entry.Planned.Plan!, chunks[i].Chunk);
                }
                catch (Exception e)
                {
                    errors[i] = e;
                }
            });

            for (int i = 0; i < chunks.Length; i++)
            {
                chunks[i].Segment.Error ??= errors[i];
            }

            var texts = Enumerable.Range(0, chunks.Length)
                .Where(i => chunks[i].Segment.Error is null)
                .GroupBy(i => chunks[i].Segment)
                .ToDictionary(g => g.Key, g => g.Select(i => prepared[i]).ToList());

            var ready = Segments.Where(texts.ContainsKey).ToList();
            try
            {
                await EmbedTogetherAsync(pipeline, ready, texts, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException && ready.Count > 1)
            {
                foreach (var segment in ready)
                {
                    try
                    {
                        await EmbedTogetherAsync(pipeline, [segment], texts, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception alone) when (alone is not OperationCanceledException)
                    {
                        segment.Error = alone;
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                ready.ForEach(segment => segment.Error = e);
            }
        }

        // One call to the encoder for the segments' texts; each segment gets its vectors.
        private static async Task EmbedTogetherAsync(IngestionPipeline pipeline, List<Segment> segments, Dictionary<Segment, List<PreparedText>> texts, CancellationToken cancellationToken)
        {
            if (segments.Count == 0)
            {
                return;
            }

            var embeddings = await pipeline.Encoder.EmbedAsync(segments.SelectMany(s => texts[s]).ToList(), cancellationToken).ConfigureAwait(false);
            int next = 0;
            foreach (var segment in segments)
            {
                segment.Embeddings = embeddings.Skip(next).Take(segment.Chunks.Count).ToList();
                next += segment.Chunks.Count;
            }
        }
    }
}

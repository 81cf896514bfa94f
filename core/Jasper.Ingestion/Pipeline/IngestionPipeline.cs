using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Jasper.Embeddings.Inference;
using Jasper.Ingestion.Chunking;
using Jasper.Ingestion.Extraction;
using Jasper.Ingestion.Policy;
using Jasper.Ingestion.Sinks;
using Jasper.Ingestion.Telemetry;
using Jasper.Ingestion.Vectors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Jasper.Ingestion.Pipeline;

/// <summary>
/// Turns documents into vector records in two stages that can run in one process (<see cref="IngestAllAsync(IEnumerable{DocumentSource}, CancellationToken)"/>, <see cref="IngestAsync"/>) or
/// apart (the functions): <see cref="PlanAsync(DocumentSource, Func{TextChunk, CancellationToken, Task}, CancellationToken)"/> extracts and chunks a document and fixes its version and ratio;
/// <see cref="EmbedPartAsync"/> embeds a run of its chunks into the sink. Memory is bounded by a batch, not the
/// document. A document whose version (content and settings) the sink already holds is skipped. Safe to share:
/// documents may be ingested concurrently.
/// </summary>
public sealed class IngestionPipeline
{
    private const string DocumentPrompt = "document";

    private readonly JasperEncoder _encoder;
    private readonly IVectorSink _sink;
    private readonly IngestionOptions _options;
    private readonly DocumentExtractor _extractor;
    private readonly TextChunker _chunker;
    private readonly CompressionPolicy _policy;
    private readonly ILogger _logger;
    private readonly IngestionMetrics? _metrics;
    private readonly string _settingsFingerprint;
    private readonly string? _documentPrompt;

    /// <summary>Creates a pipeline writing to <paramref name="sink"/>, counting what it does in <paramref name="metrics"/>.</summary>
    public IngestionPipeline(JasperEncoder encoder, IVectorSink sink, IngestionOptions? options = null, ILogger<IngestionPipeline>? logger = null, IngestionMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        _encoder = encoder;
        _sink = sink;
        _options = options ?? new IngestionOptions();
        if (_options.Chunking.MaxTokens > encoder.MaxTokens)
        {
            throw new ArgumentException($"Chunks of up to {_options.Chunking.MaxTokens} tokens exceed the model's maximum of {encoder.MaxTokens}.", nameof(options));
        }

        _extractor = new DocumentExtractor(_options.Extraction);
        _chunker = new TextChunker(encoder.Tokenizer, _options.Chunking);
        _policy = new CompressionPolicy(_options.Compression, encoder.Compression.Threshold);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _metrics = metrics;
        _settingsFingerprint = Fingerprint();
        _documentPrompt = encoder.Model.Manifest.Prompts.ContainsKey(DocumentPrompt) ? DocumentPrompt : null;
        if (_options.DocumentsAhead is < 0 || _options.InferenceTokens is < 1)
        {
            throw new ArgumentException($"Documents ahead ({_options.DocumentsAhead}) cannot be negative, and an inference ({_options.InferenceTokens} tokens) needs a token.", nameof(options));
        }
    }

    /// <summary>The sink records go to.</summary>
    public IVectorSink Sink => _sink;

    /// <summary>Ingests one document in this process; never throws for a bad document (see <see cref="DocumentReport.Error"/>).</summary>
    public async Task<DocumentReport> IngestAsync(DocumentSource document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        await foreach (var report in IngestAllAsync([document], cancellationToken).ConfigureAwait(false))
        {
            return report;
        }

        throw new UnreachableException("A run of one document reported none.");
    }

    /// <summary>
    /// Ingests documents in this process, reporting each in input order as it ends; never throws for a bad document
    /// (see <see cref="DocumentReport.Error"/>). Documents are extracted and chunked ahead of the encoder
    /// (<see cref="IngestionOptions.DocumentsAhead"/>), and the chunks of consecutive documents share inferences
    /// (<see cref="IngestionOptions.InferenceTokens"/>), so that a GPU is kept busy by many small documents; each
    /// document's records, commit and outcome are still its own.
    /// </summary>
    public IAsyncEnumerable<DocumentReport> IngestAllAsync(IEnumerable<DocumentSource> documents, CancellationToken cancellationToken = default) =>
        IngestAllAsync(documents, progress: null, cancellationToken);

    /// <summary>
    /// Ingests documents as <see cref="IngestAllAsync(IEnumerable{DocumentSource}, CancellationToken)"/> does, and
    /// tells <paramref name="progress"/> after each inference how many chunks the run has embedded.
    /// </summary>
    public IAsyncEnumerable<DocumentReport> IngestAllAsync(IEnumerable<DocumentSource> documents, IProgress<IngestionProgress>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return new IngestionRun(this, _logger, _metrics, progress).RunAsync(documents, cancellationToken);
    }

    /// <summary>
    /// Fixes a document's version and, unless the sink already holds it, extracts and chunks it, handing each chunk
    /// to <paramref name="onChunk"/> (a spool, a work blob) and deciding the ratio its chunks get. Failures are
    /// <see cref="DocumentException"/>s.
    /// </summary>
    public async Task<DocumentPlan> PlanAsync(DocumentSource document, Func<TextChunk, CancellationToken, Task> onChunk, CancellationToken cancellationToken = default) =>
        await PlanAsync(document, await DescribeAsync(document, cancellationToken).ConfigureAwait(false), onChunk, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The document's id, source and version (a hash of its bytes and of every setting that shapes its records),
    /// without extracting it: what a caller checks before it plans, to recognise a delivery it has already planned.
    /// </summary>
    public async Task<DocumentDescriptor> DescribeAsync(DocumentSource document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        return new DocumentDescriptor(document.DocumentId, document.Source, await VersionAsync(document, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>As <see cref="PlanAsync(DocumentSource, Func{TextChunk, CancellationToken, Task}, CancellationToken)"/>, for a document already described by <see cref="DescribeAsync"/>.</summary>
    public async Task<DocumentPlan> PlanAsync(DocumentSource document, DocumentDescriptor descriptor, Func<TextChunk, CancellationToken, Task> onChunk, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(onChunk);
        var plan = new DocumentPlan { Document = descriptor, Priority = document.Priority, Ratio = new CompressionDecision(1.0, "unchanged") };
        if (await _sink.GetCommittedVersionAsync(document.DocumentId, cancellationToken).ConfigureAwait(false) == descriptor.Version)
        {
            return plan with { Unchanged = true };
        }

        var format = await _extractor.DetectAsync(document.Open, document.Name, document.Length, cancellationToken).ConfigureAwait(false);
        int chunks = 0;
        long tokens = 0;
        await foreach (var chunk in _chunker.ChunkAsync(_extractor.ExtractAsync(document.Open, format, cancellationToken), cancellationToken).ConfigureAwait(false))
        {
            await onChunk(chunk, cancellationToken).ConfigureAwait(false);
            chunks++;
            tokens += chunk.Tokens;
        }

        if (chunks == 0)
        {
            throw new DocumentException(DocumentErrorKind.Empty, "the document has no text to embed");
        }

        return plan with
        {
            Format = format,
            Chunks = chunks,
            Tokens = tokens,
            Ratio = _policy.DocumentRatio(tokens, document.Priority, document.CompressionRatio),
        };
    }

    /// <summary>Embeds consecutive chunks of a planned document and writes them to the sink as one part (idempotent).</summary>
    public async Task<PartReport> EmbedPartAsync(DocumentPlan plan, IReadOnlyList<TextChunk> chunks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(chunks);
        using var activity = IngestionMetrics.Activities.StartActivity("embed part");
        activity?.SetTag("jasper.document.source", plan.Document.Source);
        activity?.SetTag("jasper.part.chunks", chunks.Count);
        var embeddings = await _encoder.EmbedAsync(chunks.Select(chunk => Prepare(plan, chunk)).ToList(), cancellationToken).ConfigureAwait(false);
        return await WritePartAsync(plan, chunks, embeddings, cancellationToken).ConfigureAwait(false);
    }

    internal JasperEncoder Encoder => _encoder;

    internal IngestionOptions Options => _options;

    /// <summary>A chunk as the encoder takes it: the document prompt, and the ratio the policy gives it.</summary>
    internal PreparedText Prepare(DocumentPlan plan, TextChunk chunk) =>
        _encoder.Prepare(new EmbeddingInput(chunk.Text, _policy.Decide(chunk.Tokens, plan.Ratio).Ratio, _documentPrompt));

    /// <summary>Writes embedded chunks to the sink as one part, and counts them.</summary>
    internal async Task<PartReport> WritePartAsync(DocumentPlan plan, IReadOnlyList<TextChunk> chunks, IReadOnlyList<TextEmbedding> embeddings, CancellationToken cancellationToken)
    {
        var records = chunks.Select((chunk, i) => ToRecord(plan, chunk, embeddings[i])).ToList();
        await _sink.WritePartAsync(plan.Document, records, cancellationToken).ConfigureAwait(false);
        var part = new PartReport(records.Count, records.Sum(r => (long)r.Tokens), records.Sum(r => (long)r.CompressedTokens), records.Sum(r => r.CompressionRatio));
        _metrics?.PartEmbedded(part);
        return part;
    }

    private VectorRecord ToRecord(DocumentPlan plan, TextChunk chunk, TextEmbedding embedding) => new()
    {
        Id = VectorRecord.IdFor(plan.Document.DocumentId, chunk.Index),
        DocumentId = plan.Document.DocumentId,
        Source = plan.Document.Source,
        ChunkIndex = chunk.Index,
        CharStart = chunk.CharStart,
        CharEnd = chunk.CharEnd,
        Text = chunk.Text,
        Tokens = embedding.Tokens,
        CompressedTokens = embedding.CompressedTokens,
        CompressionRatio = embedding.CompressionRatio,
        Priority = plan.Priority.ToName(),
        Model = _encoder.Model.Manifest.Name,
        Dimensions = embedding.Vector.Length,
        Embedding = embedding.Vector,
    };

    // The version of a document's vectors: its bytes, and everything that shapes the records made from them.
    private async Task<string> VersionAsync(DocumentSource document, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var stream = await document.Open(cancellationToken).ConfigureAwait(false))
        {
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }

        string settings = string.Create(CultureInfo.InvariantCulture, $"|{_settingsFingerprint}|{document.Priority}|{document.CompressionRatio}|{document.Source}");
        hash.AppendData(Encoding.UTF8.GetBytes(settings));
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..32];
    }

    private string Fingerprint()
    {
        var m = _encoder.Model.Manifest;
        var c = _options.Chunking;
        var p = _options.Compression;
        return string.Create(CultureInfo.InvariantCulture,
            $"records/1|{m.Identity}|{c.TargetTokens},{c.OverlapTokens},{c.MaxTokens}|{p.High},{p.Normal},{p.Low},{p.Minimum},{p.LargeDocumentTokens}");
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Jasper.Core.Chunking;
using Jasper.Core.Extraction;
using Jasper.Core.Inference;
using Jasper.Core.Sinks;
using Jasper.Core.Vectors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Jasper.Core.Ingestion;

/// <summary>
/// Turns documents into vector records: extract → chunk (spooled to disk) → plan each chunk's ratio → encode in
/// token-budgeted batches → sink. Memory is bounded by the batch, not the document. A document whose version
/// (content and settings) the sink already holds is skipped; any failure is reported on that document alone.
/// Safe to share: documents may be ingested concurrently.
/// </summary>
public sealed partial class IngestionPipeline
{
    private const string DocumentPrompt = "document";

    private readonly JasperEncoder _encoder;
    private readonly IVectorSink _sink;
    private readonly IngestionOptions _options;
    private readonly DocumentExtractor _extractor;
    private readonly TextChunker _chunker;
    private readonly CompressionPolicy _policy;
    private readonly ILogger _logger;
    private readonly string _settingsFingerprint;

    /// <summary>Creates a pipeline writing to <paramref name="sink"/>.</summary>
    public IngestionPipeline(JasperEncoder encoder, IVectorSink sink, IngestionOptions? options = null, ILogger<IngestionPipeline>? logger = null)
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
        _settingsFingerprint = Fingerprint();
    }

    /// <summary>Ingests one document; never throws for a bad document (see <see cref="DocumentReport.Error"/>).</summary>
    public async Task<DocumentReport> IngestAsync(DocumentSource document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var watch = Stopwatch.StartNew();
        var report = new DocumentReport { DocumentId = document.DocumentId, Source = document.Source, Status = DocumentStatus.Failed };
        try
        {
            string version = await VersionAsync(document, cancellationToken).ConfigureAwait(false);
            if (await _sink.GetCommittedVersionAsync(document.DocumentId, cancellationToken).ConfigureAwait(false) == version)
            {
                return report with { Status = DocumentStatus.Unchanged, Elapsed = watch.Elapsed };
            }

            var format = await _extractor.DetectAsync(document.Open, document.Name, document.Length, cancellationToken).ConfigureAwait(false);
            report = report with { Format = format };
            await using var spool = new ChunkSpool(_options.SpoolDirectory);
            await foreach (var chunk in _chunker.ChunkAsync(_extractor.ExtractAsync(document.Open, format, cancellationToken), cancellationToken).ConfigureAwait(false))
            {
                await spool.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            }

            if (spool.Count == 0)
            {
                throw new DocumentException(DocumentErrorKind.Empty, "the document has no text to embed");
            }

            report = await EmbedAsync(document, version, spool, report, cancellationToken).ConfigureAwait(false);
            report = report with { Status = DocumentStatus.Succeeded, Elapsed = watch.Elapsed };
            LogDocument(_logger, document.Source, report.Chunks, report.Tokens, report.CompressedTokens, report.MeanRatio, watch.Elapsed.TotalSeconds);
            return report;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            string reason = ex is DocumentException document1 ? document1.Reason : $"failed: {ex.Message}";
            LogFailure(_logger, document.Source, reason);
            return report with { Status = DocumentStatus.Failed, Error = reason, Elapsed = watch.Elapsed };
        }
    }

    private async Task<DocumentReport> EmbedAsync(DocumentSource document, string version, ChunkSpool spool, DocumentReport report, CancellationToken cancellationToken)
    {
        string? prompt = _encoder.Model.Manifest.Prompts.ContainsKey(DocumentPrompt) ? DocumentPrompt : null;
        long tokens = 0;
        long compressed = 0;
        double ratios = 0;
        await using (var writer = await _sink.OpenDocumentAsync(new DocumentDescriptor(document.DocumentId, document.Source, version), cancellationToken).ConfigureAwait(false))
        {
            await foreach (var group in spool.ReadGroupsAsync(_options.EncodeGroupSize, cancellationToken).ConfigureAwait(false))
            {
                var prepared = group.Select(chunk => _encoder.Prepare(new EmbeddingInput(
                    chunk.Text, _policy.Decide(chunk.Tokens, spool.Tokens, document.Priority, document.CompressionRatio).Ratio, prompt))).ToList();
                var embeddings = await _encoder.EmbedAsync(prepared, cancellationToken).ConfigureAwait(false);
                var records = group.Select((chunk, i) => ToRecord(document, chunk, embeddings[i])).ToList();
                await writer.WriteAsync(records, cancellationToken).ConfigureAwait(false);
                tokens += records.Sum(r => (long)r.Tokens);
                compressed += records.Sum(r => (long)r.CompressedTokens);
                ratios += records.Sum(r => r.CompressionRatio);
            }

            await writer.CommitAsync(spool.Count, cancellationToken).ConfigureAwait(false);
        }

        return report with { Chunks = spool.Count, Tokens = tokens, CompressedTokens = compressed, MeanRatio = ratios / spool.Count };
    }

    private VectorRecord ToRecord(DocumentSource document, TextChunk chunk, TextEmbedding embedding) => new()
    {
        Id = VectorRecord.IdFor(document.DocumentId, chunk.Index),
        DocumentId = document.DocumentId,
        Source = document.Source,
        ChunkIndex = chunk.Index,
        CharStart = chunk.CharStart,
        CharEnd = chunk.CharEnd,
        Text = chunk.Text,
        Tokens = embedding.Tokens,
        CompressedTokens = embedding.CompressedTokens,
        CompressionRatio = embedding.CompressionRatio,
        Priority = document.Priority.ToName(),
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
            $"records/1|{m.Name}|{m.Precision}|{m.Dimensions}|{string.Join(',', m.Source.WeightFiles.Values)}|{c.TargetTokens},{c.OverlapTokens},{c.MaxTokens}|{p.High},{p.Normal},{p.Low},{p.Minimum},{p.LargeDocumentTokens}");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingested {Source}: {Chunks} chunks, {Tokens} tokens, {Compressed} after compression (mean ratio {Ratio:0.###}) in {Seconds:0.00} s")]
    private static partial void LogDocument(ILogger logger, string source, int chunks, long tokens, long compressed, double ratio, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not ingest {Source}: {Reason}")]
    private static partial void LogFailure(ILogger logger, string source, string reason);
}

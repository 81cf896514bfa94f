using System.Diagnostics;
using System.Diagnostics.Metrics;
using Jasper.Ingestion.Extraction;
using Jasper.Ingestion.Pipeline;

namespace Jasper.Ingestion.Telemetry;

/// <summary>
/// What ingestion counts (meter <see cref="MeterName"/>): documents by how they ended, with failures by
/// <see cref="DocumentErrorKind"/>, and the chunks and tokens embedded. One per host, shared by every pipeline it
/// makes; where a document ends is where it is counted (<see cref="IngestionPipeline.IngestAsync"/> in one process,
/// the distributed stages otherwise).
/// </summary>
public sealed class IngestionMetrics : IDisposable
{
    /// <summary>The meter's name, for a host's OpenTelemetry <c>AddMeter</c>.</summary>
    public const string MeterName = "Jasper.Ingestion";

    /// <summary>The activity source of ingested documents and embedded parts.</summary>
    public const string ActivitySourceName = "Jasper.Ingestion";

    internal static readonly ActivitySource Activities = new(ActivitySourceName);

    private readonly ComponentMeter _meter;
    private readonly Counter<long> _documents;
    private readonly Counter<long> _chunks;
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _compressedTokens;
    private readonly Counter<long> _removed;

    /// <summary>Creates the instruments on a meter of <paramref name="meterFactory"/>, or on a meter of their own.</summary>
    public IngestionMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = new ComponentMeter(MeterName, meterFactory);
        var meter = _meter.Meter;
        _documents = meter.CreateCounter<long>("jasper.ingestion.documents", "{document}", "Documents whose ingestion ended, by outcome (succeeded, unchanged, failed) and, for failures, error kind.");
        _chunks = meter.CreateCounter<long>("jasper.ingestion.chunks", "{chunk}", "Chunks embedded and written to the sink.");
        _tokens = meter.CreateCounter<long>("jasper.ingestion.tokens", "{token}", "Tokens of the chunks embedded, before compression.");
        _compressedTokens = meter.CreateCounter<long>("jasper.ingestion.compressed_tokens", "{token}", "Tokens of the chunks embedded, after compression.");
        _removed = meter.CreateCounter<long>("jasper.ingestion.removed", "{document}", "Documents removed from the sink because their source was deleted.");
    }

    /// <summary>Counts a document whose ingestion ended with <paramref name="outcome"/> (and, if it failed, why).</summary>
    public void DocumentEnded(DocumentStatus outcome, DocumentErrorKind? error = null)
    {
        var tags = new TagList { { "jasper.outcome", outcome.ToString().ToLowerInvariant() } };
        if (outcome == DocumentStatus.Failed)
        {
            // The kind as status rows and reports spell it (too-large, too-deep).
            tags.Add("error.type", DocumentException.KindName(error ?? DocumentErrorKind.Failed));
        }

        _documents.Add(1, tags);
    }

    /// <summary>Counts a document removed from the sink because its source was deleted.</summary>
    public void DocumentRemoved() => _removed.Add(1);

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    internal void PartEmbedded(PartReport part)
    {
        _chunks.Add(part.Chunks);
        _tokens.Add(part.Tokens);
        _compressedTokens.Add(part.CompressedTokens);
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using Jasper.Ingestion.Telemetry;

namespace Jasper.Serving.Telemetry;

/// <summary>
/// The serving layer's instruments, one set per <see cref="Hosting.ModelHost"/>: made by the host's
/// <see cref="IMeterFactory"/> when it has one (so each host's measurements stay its own), else by a meter of its own.
/// </summary>
internal sealed class ServingMetrics : IDisposable
{
    private static readonly ActivitySource Activities = new(ServingTelemetry.ActivitySourceName);

    // Bucket boundaries for what these histograms hold (the SDK's defaults, 0 to 10,000, suit milliseconds, not
    // seconds or token counts): request times as ASP.NET Core buckets them, model loads up to minutes, powers of two.
    private static readonly InstrumentAdvice<double> Seconds = new() { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60] };
    private static readonly InstrumentAdvice<double> LoadSeconds = new() { HistogramBucketBoundaries = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600] };
    private static readonly InstrumentAdvice<int> Texts = new() { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048] };
    private static readonly InstrumentAdvice<int> TokenCounts = new() { HistogramBucketBoundaries = [64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536] };

    private readonly ComponentMeter _meter;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _requestDuration;
    private readonly Counter<long> _inputTokens;
    private readonly Counter<long> _compressedTokens;
    private readonly Histogram<int> _batchTexts;
    private readonly Histogram<int> _batchTokens;
    private readonly Histogram<double> _batchWait;
    private readonly Histogram<double> _batchDuration;
    private readonly Histogram<double> _modelLoad;

    public ServingMetrics(IMeterFactory? meterFactory, Func<(int Requests, long Tokens)?> pending)
    {
        _meter = new ComponentMeter(ServingTelemetry.MeterName, meterFactory);
        var meter = _meter.Meter;
        _requests = meter.CreateCounter<long>("jasper.embedding.requests", "{request}", "Embedding API requests answered, by route and HTTP status.");
        _requestDuration = meter.CreateHistogram("jasper.embedding.request.duration", "s", "Time from a request's arrival to its answer, by route and HTTP status.", tags: null, Seconds);
        _inputTokens = meter.CreateCounter<long>("jasper.embedding.input_tokens", "{token}", "Tokens of the texts embedded, before compression.");
        _compressedTokens = meter.CreateCounter<long>("jasper.embedding.compressed_tokens", "{token}", "Tokens the transformer layers ran on, after compression.");
        _batchTexts = meter.CreateHistogram("jasper.batch.size", "{text}", "Texts per inference run.", tags: null, Texts);
        _batchTokens = meter.CreateHistogram("jasper.batch.tokens", "{token}", "Tokens per inference run, before compression.", tags: null, TokenCounts);
        _batchWait = meter.CreateHistogram("jasper.batch.wait", "s", "Time a request waited before its first texts ran.", tags: null, Seconds);
        _batchDuration = meter.CreateHistogram("jasper.batch.duration", "s", "Time of one inference run.", tags: null, Seconds);
        _modelLoad = meter.CreateHistogram("jasper.model.load.duration", "s", "Time to fetch and load the model, by outcome.", tags: null, LoadSeconds);
        meter.CreateObservableGauge("jasper.batch.pending_requests", () => pending() is { } now ? [new Measurement<int>(now.Requests)] : Array.Empty<Measurement<int>>(), "{request}", "Requests admitted and not yet answered.");
        meter.CreateObservableGauge("jasper.batch.pending_tokens", () => pending() is { } now ? [new Measurement<long>(now.Tokens)] : Array.Empty<Measurement<long>>(), "{token}", "Tokens of the requests admitted and not yet answered.");
    }

    /// <summary>One answered request: <paramref name="route"/> is <c>openai</c> or <c>native</c>.</summary>
    public void Request(string route, int status, TimeSpan elapsed)
    {
        var tags = new TagList { { "jasper.route", route }, { "http.response.status_code", status } };
        _requests.Add(1, tags);
        _requestDuration.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>Texts embedded for a request.</summary>
    public void Tokens(string route, long input, long compressed)
    {
        var tag = new KeyValuePair<string, object?>("jasper.route", route);
        _inputTokens.Add(input, tag);
        _compressedTokens.Add(compressed, tag);
    }

    /// <summary>A request waited <paramref name="wait"/> before its first texts ran.</summary>
    public void Waited(TimeSpan wait) => _batchWait.Record(wait.TotalSeconds);

    /// <summary>Starts timing one inference run of <paramref name="texts"/>; disposing the result records it.</summary>
    public BatchRun Batch(int texts, int tokens)
    {
        _batchTexts.Record(texts);
        _batchTokens.Record(tokens);
        var activity = Activities.StartActivity("embed batch");
        activity?.SetTag("jasper.batch.size", texts);
        activity?.SetTag("jasper.batch.tokens", tokens);
        return new BatchRun(this, activity, Stopwatch.GetTimestamp());
    }

    /// <summary>The model finished loading (or failed to) after <paramref name="elapsed"/>.</summary>
    public void ModelLoaded(TimeSpan elapsed, bool succeeded) =>
        _modelLoad.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("jasper.outcome", succeeded ? "ready" : "failed"));

    public void Dispose() => _meter.Dispose();

    /// <summary>An inference run being timed.</summary>
    internal readonly struct BatchRun(ServingMetrics metrics, Activity? activity, long started) : IDisposable
    {
        public void Dispose()
        {
            metrics._batchDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
            activity?.Dispose();
        }
    }
}

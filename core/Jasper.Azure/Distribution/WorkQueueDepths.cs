using System.Diagnostics.Metrics;
using Azure;
using Azure.Storage.Queues;
using Jasper.Ingestion.Telemetry;

namespace Jasper.Azure.Distribution;

/// <summary>
/// How many messages wait in each work queue, in the queue of deletions (<see cref="DocumentRemoval.Queue"/>), and in
/// each one's poison queue: the gauge <c>jasper.ingestion.queue_depth</c>
/// (meter <see cref="IngestionMetrics.MeterName"/>, attribute <c>jasper.queue</c>). Azure Storage's own queue metric
/// is hourly; this one is read from the queues' properties when an exporter observes it, at most once per
/// <see cref="RefreshInterval"/> and in the background, so an exporter never waits on storage and sees the depths of
/// the previous read.
/// </summary>
public sealed class WorkQueueDepths : IDisposable
{
    /// <summary>The least time between two reads of the queues.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);

    private static readonly string[] Names = [.. WorkQueues.All, DocumentRemoval.Queue, .. WorkQueues.All.Append(DocumentRemoval.Queue).Select(WorkQueues.Poison)];

    private readonly QueueServiceClient _queues;
    private readonly TimeProvider _time;
    private readonly ComponentMeter _meter;
    private IReadOnlyList<Measurement<long>> _depths = [];
    private long _readAt = long.MinValue;
    private int _reading;

    /// <summary>Creates the gauge on a meter of <paramref name="meterFactory"/>, or on a meter of its own.</summary>
    public WorkQueueDepths(QueueServiceClient queues, IMeterFactory? meterFactory = null, TimeProvider? time = null)
    {
        _queues = queues;
        _time = time ?? TimeProvider.System;

        _meter = new ComponentMeter(IngestionMetrics.MeterName, meterFactory);
        _meter.Meter.CreateObservableGauge("jasper.ingestion.queue_depth", Observe, "{message}", "Messages waiting in each work queue, the queue of deletions, and their poison queues (approximate, as Azure Storage counts them).");
    }

    /// <summary>Reads every queue's approximate message count now; a queue not created yet counts 0.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        var depths = new List<Measurement<long>>(Names.Length);
        foreach (string name in Names)
        {
            long count;
            try
            {
                count = (await _queues.GetQueueClient(name).GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                count = 0;
            }

            depths.Add(new Measurement<long>(count, new KeyValuePair<string, object?>("jasper.queue", name)));
        }

        Volatile.Write(ref _depths, depths);
        Interlocked.Exchange(ref _readAt, _time.GetTimestamp());
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> Observe()
    {
        long readAt = Interlocked.Read(ref _readAt);
        bool stale = readAt == long.MinValue || _time.GetElapsedTime(readAt) >= RefreshInterval;
        if (stale && Interlocked.CompareExchange(ref _reading, 1, 0) == 0)
        {
            _ = ReadInBackgroundAsync();
        }

        return Volatile.Read(ref _depths);
    }

    private async Task ReadInBackgroundAsync()
    {
        try
        {
            await RefreshAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RequestFailedException or OperationCanceledException or AggregateException)
        {
            // Storage unreachable: the gauge keeps the last depths it read, and the next observation tries again.
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }
}

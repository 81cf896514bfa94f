using System.Threading.Channels;
using Jasper.Embeddings.Inference;
using Jasper.Serving.Telemetry;

namespace Jasper.Serving.Batching;

/// <summary>
/// Coalesces concurrent requests into shared inferences, as text-embeddings-inference does: one loop takes the first
/// waiting request, gathers whatever is already queued and whatever keeps arriving less than a window apart (for at
/// most a maximum delay) up to a token budget, runs them as one call and hands each caller its own results.
/// <list type="bullet">
/// <item>Admission is bounded: past <see cref="DynamicBatchingOptions.MaxPendingRequests"/> requests or
/// <see cref="DynamicBatchingOptions.MaxPendingTokens"/> tokens waiting or running, a request is refused at once with
/// <see cref="ServerBusyException"/>. A request alone may exceed the token bound, so every admissible request runs.</item>
/// <item>Scheduling is fair: a request larger than the batch budget runs a budget's worth of texts at a time and then
/// goes to the back of the line, so a short request that arrives behind a long one waits one slice, not the whole.</item>
/// <item>Disposal answers every waiting caller with <see cref="ObjectDisposedException"/>.</item>
/// </list>
/// </summary>
internal sealed class DynamicBatcher : IAsyncDisposable
{
    private readonly ITextEmbedder _embedder;
    private readonly DynamicBatchingOptions _options;
    private readonly TimeProvider _time;
    private readonly ServingMetrics? _metrics;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _admission = new();
    private readonly Task _loop;
    private int _pendingRequests;
    private long _pendingTokens;
    private bool _disposed;

    /// <summary>Starts the batching loop over the encoder.</summary>
    public DynamicBatcher(JasperEncoder encoder, DynamicBatchingOptions options, ServingMetrics? metrics = null)
        : this(new EncoderEmbedder(encoder), options, TimeProvider.System, metrics)
    {
    }

    /// <summary>Starts the batching loop over <paramref name="embedder"/>, timing windows with <paramref name="time"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting of <paramref name="options"/> cannot work.</exception>
    public DynamicBatcher(ITextEmbedder embedder, DynamicBatchingOptions options, TimeProvider time, ServingMetrics? metrics = null)
    {
        options.Validate();
        _embedder = embedder;
        _options = options;
        _time = time;
        _metrics = metrics;
        _loop = options.Enabled ? Task.Run(LoopAsync) : Task.CompletedTask;
    }

    /// <summary>Whether requests are coalesced.</summary>
    public bool Enabled => _options.Enabled;

    /// <summary>Requests admitted and not yet answered.</summary>
    public int PendingRequests => Volatile.Read(ref _pendingRequests);

    /// <summary>Tokens of the requests admitted and not yet answered.</summary>
    public long PendingTokens => Interlocked.Read(ref _pendingTokens);

    /// <summary>Embeds one request's texts, in batches shared with other requests when enabled.</summary>
    /// <exception cref="ServerBusyException">The pending work is at its bound.</exception>
    /// <exception cref="ObjectDisposedException">The batcher is stopping.</exception>
    public async Task<IReadOnlyList<TextEmbedding>> EmbedAsync(IReadOnlyList<PreparedText> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        long tokens = texts.Sum(t => (long)t.Tokens.Ids.Length);
        Admit(tokens);
        try
        {
            if (!_options.Enabled)
            {
                using var run = _metrics?.Batch(texts.Count, (int)Math.Min(tokens, int.MaxValue));
                return await _embedder.EmbedAsync(texts, cancellationToken).ConfigureAwait(false);
            }

            var pending = new Pending(texts, _time.GetTimestamp(), cancellationToken);
            if (!_queue.Writer.TryWrite(pending))
            {
                throw Stopping();
            }

            return await pending.Result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_admission)
            {
                _pendingRequests--;
                _pendingTokens -= tokens;
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        lock (_admission)
        {
            _disposed = true;
        }

        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        while (_queue.Reader.TryRead(out var pending))
        {
            pending.Result.TrySetException(Stopping());
        }

        _stopping.Dispose();
    }

    // What every caller the batcher can no longer serve is answered with.
    private static ObjectDisposedException Stopping() => new(nameof(DynamicBatcher), "The server is shutting down.");

    private void Admit(long tokens)
    {
        lock (_admission)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_pendingRequests >= _options.MaxPendingRequests)
            {
                throw new ServerBusyException($"The server already holds {_pendingRequests} requests, its limit; retry shortly.");
            }

            if (_pendingTokens > 0 && _pendingTokens + tokens > _options.MaxPendingTokens)
            {
                throw new ServerBusyException($"The server already holds {_pendingTokens} tokens of work and this request adds {tokens}, past its limit of {_options.MaxPendingTokens}; retry shortly.");
            }

            _pendingRequests++;
            _pendingTokens += tokens;
        }
    }

    private async Task LoopAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
        {
            var batch = await GatherAsync(reader).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                await RunSharedAsync(batch).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsStopping(ex))
            {
                batch.ForEach(s => s.Pending.Result.TrySetException(Stopping()));
                throw;
            }
            catch (Exception ex)
            {
                batch.ForEach(s => s.Pending.Result.TrySetException(ex));
            }
        }
    }

    // Runs a batch; when it fails holding several requests, each runs again on its own, so that one request's failure
    // (a text the device has no memory for) fails only that request, not those it shared the batch with.
    private async Task RunSharedAsync(List<Slice> batch)
    {
        try
        {
            await RunAsync(batch).ConfigureAwait(false);
        }
        catch (Exception ex) when (batch.Count > 1 && !IsStopping(ex))
        {
            foreach (var slice in batch)
            {
                try
                {
                    await RunAsync([slice]).ConfigureAwait(false);
                }
                catch (Exception sliceError) when (!IsStopping(sliceError))
                {
                    slice.Pending.Result.TrySetException(sliceError);
                }
            }
        }
    }

    // The batcher is shutting down: its callers are answered with Stopping, not with the cancellation.
    private bool IsStopping(Exception ex) => ex is OperationCanceledException && _stopping.IsCancellationRequested;

    // One inference for the batch's slices; a request whose slices are not all done yet goes back in the queue.
    private async Task RunAsync(List<Slice> batch)
    {
        IReadOnlyList<TextEmbedding> results;
        using (_metrics?.Batch(batch.Sum(s => s.Count), batch.Sum(s => s.Tokens)))
        {
            results = await _embedder.EmbedAsync(batch.SelectMany(s => s.Texts).ToList(), _stopping.Token).ConfigureAwait(false);
        }

        int offset = 0;
        foreach (var slice in batch)
        {
            slice.Pending.Complete(slice.Start, results, offset, slice.Count);
            offset += slice.Count;
            if (!slice.Pending.Done && !_queue.Writer.TryWrite(slice.Pending))
            {
                slice.Pending.Result.TrySetException(Stopping());
            }
        }
    }

    // Takes requests (or the next slice of a large one) until the token budget is full, the window has passed since the
    // latest arrival, or the first one has waited the maximum delay.
    private async Task<List<Slice>> GatherAsync(ChannelReader<Pending> reader)
    {
        var batch = new List<Slice>();
        int tokens = 0;
        int budget = _options.MaxBatchTokens ?? _embedder.BatchTokenBudget; // read per batch: a GPU's budget can fall
        var latest = _time.GetUtcNow().AddMilliseconds(_options.MaxDelayMilliseconds);
        var deadline = _time.GetUtcNow().AddMilliseconds(_options.WindowMilliseconds);
        while (tokens < budget)
        {
            if (reader.TryPeek(out var next) && !next.CancellationToken.IsCancellationRequested && batch.Count > 0
                && tokens + next.NextTokens > budget)
            {
                break; // the next request does not fit: it leads the next batch
            }

            if (reader.TryRead(out var pending))
            {
                if (pending.CancellationToken.IsCancellationRequested)
                {
                    pending.Result.TrySetCanceled(pending.CancellationToken);
                    continue;
                }

                if (pending.Untouched)
                {
                    _metrics?.Waited(_time.GetElapsedTime(pending.Admitted));
                }

                var slice = pending.Take(budget - tokens);
                batch.Add(slice);
                tokens += slice.Tokens;
                var quiet = _time.GetUtcNow().AddMilliseconds(_options.WindowMilliseconds);
                deadline = quiet < latest ? quiet : latest;
                continue;
            }

            var wait = deadline - _time.GetUtcNow();
            if (batch.Count > 0 && wait <= TimeSpan.Zero)
            {
                break;
            }

            using var window = new CancellationTokenSource(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, _time);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, window.Token);
            try
            {
                if (!await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false))
                {
                    break;
                }
            }
            catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
            {
                break;
            }
        }

        return batch;
    }

    // A part of one request's texts in a batch.
    private sealed record Slice(Pending Pending, int Start, int Count, int Tokens)
    {
        public IEnumerable<PreparedText> Texts => Pending.Texts.Skip(Start).Take(Count);
    }

    private sealed class Pending(IReadOnlyList<PreparedText> texts, long admitted, CancellationToken cancellationToken)
    {
        private readonly TextEmbedding[] _results = new TextEmbedding[texts.Count];
        private int _taken;
        private int _completed;

        public IReadOnlyList<PreparedText> Texts => texts;

        public CancellationToken CancellationToken => cancellationToken;

        // When it was queued, for the wait it is measured by.
        public long Admitted { get; } = admitted;

        // Whether no slice of it has been taken yet.
        public bool Untouched => _taken == 0;

        public TaskCompletionSource<IReadOnlyList<TextEmbedding>> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Done => _completed == texts.Count;

        // Tokens of the next text not yet taken: what the next slice needs at least.
        public int NextTokens => _taken < texts.Count ? texts[_taken].Tokens.Ids.Length : 0;

        // The next texts that fit in budget tokens; at least one, so a text larger than the budget still runs.
        public Slice Take(int budget)
        {
            int start = _taken;
            int tokens = 0;
            while (_taken < texts.Count && (_taken == start || tokens + texts[_taken].Tokens.Ids.Length <= budget))
            {
                tokens += texts[_taken].Tokens.Ids.Length;
                _taken++;
            }

            return new Slice(this, start, _taken - start, tokens);
        }

        public void Complete(int start, IReadOnlyList<TextEmbedding> results, int offset, int count)
        {
            for (int i = 0; i < count; i++)
            {
                _results[start + i] = results[offset + i];
            }

            _completed += count;
            if (Done)
            {
                Result.TrySetResult(_results);
            }
        }
    }
}

using System.Threading.Channels;
using Jasper.Embeddings.Inference;

namespace Jasper.Serving.Batching;

/// <summary>
/// Coalesces concurrent requests into shared inferences, as text-embeddings-inference does: one loop takes the
/// first waiting request, gathers whatever is already queued and whatever keeps arriving less than a window apart
/// (for at most a maximum delay) up to a token budget, runs them as one call and hands each caller its own results.
/// Many small callers then share matrix products instead of contending for the cores one text at a time.
/// </summary>
internal sealed class DynamicBatcher : IAsyncDisposable
{
    private readonly JasperEncoder _encoder;
    private readonly DynamicBatchingOptions _options;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    /// <summary>Starts the batching loop over <paramref name="encoder"/>.</summary>
    public DynamicBatcher(JasperEncoder encoder, DynamicBatchingOptions options)
    {
        _encoder = encoder;
        _options = options;
        _loop = options.Enabled ? Task.Run(LoopAsync) : Task.CompletedTask;
    }

    /// <summary>Whether requests are coalesced.</summary>
    public bool Enabled => _options.Enabled;

    /// <summary>Embeds one request's texts, in a batch shared with other requests when enabled.</summary>
    public async Task<IReadOnlyList<TextEmbedding>> EmbedAsync(IReadOnlyList<PreparedText> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (!_options.Enabled)
        {
            return await _encoder.EmbedAsync(texts, cancellationToken).ConfigureAwait(false);
        }

        var pending = new Pending(texts, cancellationToken);
        await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        return await pending.Result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
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

        _stopping.Dispose();
    }

    private async Task LoopAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
        {
            var batch = await GatherAsync(reader).ConfigureAwait(false);
            batch.RemoveAll(p => p.CancellationToken.IsCancellationRequested && p.Result.TrySetCanceled(p.CancellationToken));
            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                var results = await _encoder.EmbedAsync(batch.SelectMany(p => p.Texts).ToList(), _stopping.Token).ConfigureAwait(false);
                int offset = 0;
                foreach (var pending in batch)
                {
                    pending.Result.TrySetResult(results.Skip(offset).Take(pending.Texts.Count).ToList());
                    offset += pending.Texts.Count;
                }
            }
            catch (Exception ex)
            {
                batch.ForEach(p => p.Result.TrySetException(ex));
            }
        }
    }

    private async Task<List<Pending>> GatherAsync(ChannelReader<Pending> reader)
    {
        var batch = new List<Pending>();
        int tokens = 0;
        var latest = DateTime.UtcNow.AddMilliseconds(_options.MaxDelayMilliseconds);
        var deadline = DateTime.UtcNow.AddMilliseconds(_options.WindowMilliseconds);
        while (tokens < _options.MaxBatchTokens)
        {
            if (reader.TryRead(out var pending))
            {
                batch.Add(pending);
                tokens += pending.Texts.Sum(t => t.Tokens.Ids.Length);
                var quiet = DateTime.UtcNow.AddMilliseconds(_options.WindowMilliseconds);
                deadline = quiet < latest ? quiet : latest;
                continue;
            }

            var wait = deadline - DateTime.UtcNow;
            if (batch.Count > 0 && wait <= TimeSpan.Zero)
            {
                break;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
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

    private sealed record Pending(IReadOnlyList<PreparedText> Texts, CancellationToken CancellationToken)
    {
        public TaskCompletionSource<IReadOnlyList<TextEmbedding>> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

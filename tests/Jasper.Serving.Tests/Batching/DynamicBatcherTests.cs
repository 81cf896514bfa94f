using System.Threading.Channels;
using Jasper.Embeddings.Compression;
using Jasper.Embeddings.Inference;
using Jasper.Embeddings.Tokenization;
using Jasper.Serving.Batching;
using Microsoft.Extensions.Time.Testing;

namespace Jasper.Serving.Tests.Batching;

/// <summary>The batcher's policies against an embedder the test answers by hand and a clock it moves by hand.</summary>
public sealed class DynamicBatcherTests
{
    private static readonly DynamicBatchingOptions Immediate = new() { WindowMilliseconds = 0, MaxDelayMilliseconds = 0 };

    [Fact]
    public async Task Requests_that_arrive_while_a_batch_runs_share_the_next_one_once_the_window_passes()
    {
        var time = new FakeTimeProvider();
        var embedder = new HandAnsweredEmbedder();
        await using var batcher = new DynamicBatcher(embedder, new DynamicBatchingOptions { WindowMilliseconds = 2, MaxDelayMilliseconds = 20 }, time);

        var first = batcher.EmbedAsync([Text(5)]);
        var running = await NextCallAsync(embedder, time);
        var others = new[] { batcher.EmbedAsync([Text(1)]), batcher.EmbedAsync([Text(2)]), batcher.EmbedAsync([Text(3)]) };
        running.Answer();

        var shared = await NextCallAsync(embedder, time);
        Assert.Equal([1, 2, 3], shared.TokenCounts);
        shared.Answer();
        Assert.Equal(5, Assert.Single(await first).Tokens);
        Assert.Equal([1, 2, 3], (await Task.WhenAll(others)).Select(r => Assert.Single(r).Tokens));
    }

    [Fact]
    public async Task A_shared_batch_that_fails_runs_again_a_request_at_a_time_so_that_only_the_failing_request_fails()
    {
        var time = new FakeTimeProvider();
        var embedder = new HandAnsweredEmbedder();
        await using var batcher = new DynamicBatcher(embedder, new DynamicBatchingOptions { WindowMilliseconds = 2, MaxDelayMilliseconds = 20 }, time);

        var first = batcher.EmbedAsync([Text(5)]);
        var running = await NextCallAsync(embedder, time);
        var good = batcher.EmbedAsync([Text(1)]);
        var bad = batcher.EmbedAsync([Text(2)]);
        running.Answer();

        var shared = await NextCallAsync(embedder, time);
        Assert.Equal([1, 2], shared.TokenCounts);
        shared.Fail(new InvalidOperationException("no room for the 2-token text"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // a failure, not a hang, if no call comes
        var goodAlone = await embedder.Calls.ReadAsync(timeout.Token);
        Assert.Equal([1], goodAlone.TokenCounts);
        goodAlone.Answer();
        var badAlone = await embedder.Calls.ReadAsync(timeout.Token);
        Assert.Equal([2], badAlone.TokenCounts);
        badAlone.Fail(new InvalidOperationException("no room for the 2-token text"));

        Assert.Equal(5, Assert.Single(await first).Tokens);
        Assert.Equal(1, Assert.Single(await good).Tokens);
        Assert.Equal("no room for the 2-token text", (await Assert.ThrowsAsync<InvalidOperationException>(() => bad)).Message);

        // A request that fails alone is not run again.
        var lone = batcher.EmbedAsync([Text(3)]);
        (await NextCallAsync(embedder, time)).Fail(new InvalidOperationException("alone"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => lone);
        Assert.False(embedder.Calls.TryRead(out _));
    }

    [Fact]
    public async Task Past_the_pending_request_bound_a_request_is_refused_at_once_and_admitted_again_once_work_drains()
    {
        var embedder = new HandAnsweredEmbedder();
        await using var batcher = new DynamicBatcher(embedder, new DynamicBatchingOptions { WindowMilliseconds = 0, MaxDelayMilliseconds = 0, MaxPendingRequests = 2 }, TimeProvider.System);

        var running = batcher.EmbedAsync([Text(4)]);
        var call = await embedder.Calls.ReadAsync();
        var queued = batcher.EmbedAsync([Text(4)]);
        Assert.Equal(2, batcher.PendingRequests);

        var refused = await Assert.ThrowsAsync<ServerBusyException>(() => batcher.EmbedAsync([Text(4)]));
        Assert.Contains("2 requests", refused.Message, StringComparison.Ordinal);

        call.Answer();
        (await embedder.Calls.ReadAsync()).Answer();
        await Task.WhenAll(running, queued);
        Assert.Equal(0, batcher.PendingRequests);
        Assert.Equal(0, batcher.PendingTokens);

        var again = batcher.EmbedAsync([Text(4)]);
        (await embedder.Calls.ReadAsync()).Answer();
        Assert.Single(await again);
    }

    [Fact]
    public async Task Past_the_pending_token_bound_a_request_is_refused_but_a_request_alone_always_runs()
    {
        var embedder = new HandAnsweredEmbedder();
        await using var batcher = new DynamicBatcher(embedder, new DynamicBatchingOptions { WindowMilliseconds = 0, MaxDelayMilliseconds = 0, MaxPendingTokens = 100 }, TimeProvider.System);

        var large = batcher.EmbedAsync([Text(60), Text(60)]); // 120 tokens: more than the bound, but alone
        var call = await embedder.Calls.ReadAsync();
        await Assert.ThrowsAsync<ServerBusyException>(() => batcher.EmbedAsync([Text(1)]));
        Assert.Equal(120, batcher.PendingTokens);

        call.Answer();
        Assert.Equal(2, (await large).Count);
        var small = batcher.EmbedAsync([Text(90)]);
        var fits = batcher.EmbedAsync([Text(10)]);
        (await embedder.Calls.ReadAsync()).Answer();
        await Task.WhenAll(small, fits);
    }

    [Fact]
    public async Task A_request_larger_than_a_batch_runs_in_slices_and_a_short_one_behind_it_waits_one_slice()
    {
        var embedder = new HandAnsweredEmbedder();
        await using var batcher = new DynamicBatcher(embedder, new DynamicBatchingOptions { WindowMilliseconds = 0, MaxDelayMilliseconds = 0, MaxBatchTokens = 10 }, TimeProvider.System);

        var large = batcher.EmbedAsync([Text(10), Text(10), Text(10)]);
        var firstSlice = await embedder.Calls.ReadAsync();
        var small = batcher.EmbedAsync([Text(1)]);
        firstSlice.Answer();

        var next = await embedder.Calls.ReadAsync();
        Assert.Equal([1], next.TokenCounts); // the short request goes before the rest of the long one
        next.Answer();
        Assert.Single(await small);
        Assert.False(large.IsCompleted);

        var second = await embedder.Calls.ReadAsync();
        Assert.Equal([10], second.TokenCounts);
        second.Answer();
        var third = await embedder.Calls.ReadAsync();
        Assert.Equal([10], third.TokenCounts);
        third.Answer();
        Assert.Equal(3, (await large).Count);
    }

    [Fact]
    public async Task Without_a_batch_cap_of_its_own_a_batch_holds_the_embedders_budget_and_follows_it_when_it_changes()
    {
        var embedder = new HandAnsweredEmbedder { BatchTokenBudget = 10 };
        await using var batcher = new DynamicBatcher(embedder, Immediate, TimeProvider.System);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // a failure, not a hang, if no call comes

        var large = batcher.EmbedAsync([Text(10), Text(10), Text(10), Text(10)]);
        var first = await embedder.Calls.ReadAsync(timeout.Token);
        Assert.Equal([10], first.TokenCounts);

        // A GPU's budget is measured after loading and lowered when the device runs out of memory: the next batch
        // gathers what the budget is then.
        embedder.BatchTokenBudget = 20;
        first.Answer();
        var second = await embedder.Calls.ReadAsync(timeout.Token);
        Assert.Equal([10, 10], second.TokenCounts);
        embedder.BatchTokenBudget = 10;
        second.Answer();
        var third = await embedder.Calls.ReadAsync(timeout.Token);
        Assert.Equal([10], third.TokenCounts);
        third.Answer();
        Assert.Equal(4, (await large).Count);
    }

    [Fact]
    public async Task Disposal_answers_running_and_queued_callers_and_refuses_new_ones()
    {
        var embedder = new HandAnsweredEmbedder();
        var batcher = new DynamicBatcher(embedder, Immediate, TimeProvider.System);
        var running = batcher.EmbedAsync([Text(3)]);
        await embedder.Calls.ReadAsync();
        var queued = batcher.EmbedAsync([Text(3)]);

        await batcher.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => running);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => queued);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => batcher.EmbedAsync([Text(3)]));
        Assert.Equal(0, batcher.PendingRequests);
    }

    [Fact]
    public async Task Without_batching_the_same_bounds_apply()
    {
        var embedder = new HandAnsweredEmbedder();
        await using var batcher = new DynamicBatcher(embedder, new DynamicBatchingOptions { Enabled = false, MaxPendingRequests = 1 }, TimeProvider.System);

        var running = batcher.EmbedAsync([Text(3)]);
        var call = await embedder.Calls.ReadAsync();
        await Assert.ThrowsAsync<ServerBusyException>(() => batcher.EmbedAsync([Text(3)]));
        call.Answer();
        Assert.Single(await running);
    }

    // A cap of 0 gathered nothing, and the loop spun on empty batches while every request waited: settings that cannot
    // work are refused when the batcher starts, naming the setting.
    public static TheoryData<string, DynamicBatchingOptions> SettingsThatCannotWork => new()
    {
        { nameof(DynamicBatchingOptions.MaxBatchTokens), new() { MaxBatchTokens = 0 } },
        { nameof(DynamicBatchingOptions.MaxPendingRequests), new() { MaxPendingRequests = 0 } },
        { nameof(DynamicBatchingOptions.MaxPendingTokens), new() { MaxPendingTokens = 0 } },
        { nameof(DynamicBatchingOptions.WindowMilliseconds), new() { WindowMilliseconds = -1 } },
        { nameof(DynamicBatchingOptions.MaxDelayMilliseconds), new() { MaxDelayMilliseconds = -1 } },
    };

    [Theory]
    [MemberData(nameof(SettingsThatCannotWork))]
    public void Settings_that_cannot_work_are_refused_when_the_batcher_starts(string setting, DynamicBatchingOptions options)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new DynamicBatcher(new HandAnsweredEmbedder(), options, TimeProvider.System));
        Assert.Contains($"Batching:{setting}", error.Message, StringComparison.Ordinal);
    }

    private static PreparedText Text(int tokens) => new(new TokenizedText(new int[tokens], tokens, false), CompressionPlan.Create(tokens, 1.0, CompressionSettings.PublishedThreshold));

    // Moves the clock a millisecond at a time until the batcher calls the embedder: the window closes on the fake
    // clock only, so nothing here depends on how fast this machine runs.
    private static async Task<Call> NextCallAsync(HandAnsweredEmbedder embedder, FakeTimeProvider time)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (embedder.Calls.TryRead(out var call))
            {
                return call;
            }

            time.Advance(TimeSpan.FromMilliseconds(1));
            await Task.Yield();
            timeout.Token.ThrowIfCancellationRequested();
        }
    }

    private sealed class HandAnsweredEmbedder : ITextEmbedder
    {
        private readonly Channel<Call> _calls = Channel.CreateUnbounded<Call>();

        public ChannelReader<Call> Calls => _calls.Reader;

        public int BatchTokenBudget { get; set; } = 8192;

        public async Task<IReadOnlyList<TextEmbedding>> EmbedAsync(IReadOnlyList<PreparedText> texts, CancellationToken cancellationToken)
        {
            var call = new Call(texts);
            await _calls.Writer.WriteAsync(call, cancellationToken);
            return await call.Answered.Task.WaitAsync(cancellationToken);
        }
    }

    private sealed class Call(IReadOnlyList<PreparedText> texts)
    {
        public TaskCompletionSource<IReadOnlyList<TextEmbedding>> Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int[] TokenCounts => texts.Select(t => t.Tokens.Ids.Length).ToArray();

        public void Fail(Exception error) => Answered.SetException(error);

        // Each result carries its text's token count, so callers can tell which result is theirs.
        public void Answer() => Answered.SetResult(texts.Select(t => new TextEmbedding([1f], t.Tokens.Ids.Length, t.Tokens.Ids.Length, 1.0, false)).ToList());
    }
}

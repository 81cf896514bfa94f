namespace Jasper.Serving.Batching;

/// <summary>How concurrent requests share inferences.</summary>
public sealed class DynamicBatchingOptions
{
    /// <summary>Coalesce concurrent requests (on by default); off, each request runs its own inference.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long the batcher waits for company after the latest request arrived: gathering goes on while requests
    /// keep coming closer together than this, so a burst (clients answered together come back together) lands in
    /// one batch instead of a small one and a large one.
    /// </summary>
    public int WindowMilliseconds { get; set; } = 2;

    /// <summary>Most the first request of a batch waits for the others, whatever keeps arriving.</summary>
    public int MaxDelayMilliseconds { get; set; } = 20;

    /// <summary>Most tokens gathered into one batch (the encoder splits it further by its own budget).</summary>
    public int MaxBatchTokens { get; set; } = 16384;

    /// <summary>
    /// Most requests admitted at once (waiting or running); past it a request is refused with 429 <c>server_busy</c>
    /// and <c>Retry-After</c> instead of queueing without bound.
    /// </summary>
    public int MaxPendingRequests { get; set; } = 1024;

    /// <summary>
    /// Most tokens admitted at once, all waiting and running requests together; past it a request is refused like
    /// above. A request that arrives when nothing is pending is admitted whatever its size (the per-request limit
    /// of the API bounds it).
    /// </summary>
    public long MaxPendingTokens { get; set; } = 1_000_000;
}

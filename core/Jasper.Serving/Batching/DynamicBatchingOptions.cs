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

    /// <summary>
    /// Most tokens gathered into one batch. Unset (the default), a batch gathers the encoder's own budget
    /// (<see cref="Jasper.Embeddings.Inference.JasperEncoder.BatchTokenBudget"/>: 8,192 on the CPU, measured from free
    /// memory on a GPU and lowered when the device runs out), so that a GPU runs the batches it is fastest at.
    /// </summary>
    public int? MaxBatchTokens { get; set; }

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

    // Settings that cannot work: a cap below one token gathers nothing, so the batcher would spin on empty batches
    // while every request waited; refused when a batcher starts (or a model host begins loading), naming the setting.
    internal void Validate()
    {
        Require(MaxBatchTokens is null or >= 1, nameof(MaxBatchTokens), MaxBatchTokens, "at least 1 token, or unset for the encoder's budget");
        Require(MaxPendingRequests >= 1, nameof(MaxPendingRequests), MaxPendingRequests, "at least 1");
        Require(MaxPendingTokens >= 1, nameof(MaxPendingTokens), MaxPendingTokens, "at least 1");
        Require(WindowMilliseconds >= 0, nameof(WindowMilliseconds), WindowMilliseconds, "0 or more");
        Require(MaxDelayMilliseconds >= 0, nameof(MaxDelayMilliseconds), MaxDelayMilliseconds, "0 or more");
    }

    private static void Require(bool holds, string setting, object? value, string allowed)
    {
        if (!holds)
        {
            throw new ArgumentOutOfRangeException(setting, value, $"Batching:{setting} must be {allowed}, not {value}.");
        }
    }
}

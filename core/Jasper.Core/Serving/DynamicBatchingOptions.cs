namespace Jasper.Core.Serving;

/// <summary>How concurrent requests share inferences.</summary>
public sealed class DynamicBatchingOptions
{
    /// <summary>Coalesce concurrent requests (on by default); off, each request runs its own inference.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long an idle batcher waits for company after the first request arrives.</summary>
    public int WindowMilliseconds { get; set; } = 2;

    /// <summary>Most tokens gathered into one batch (the encoder splits it further by its own budget).</summary>
    public int MaxBatchTokens { get; set; } = 16384;
}

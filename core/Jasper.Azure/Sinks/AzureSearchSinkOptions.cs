namespace Jasper.Azure.Sinks;

/// <summary>Limits and retries of <see cref="AzureSearchVectorSink"/>.</summary>
public sealed class AzureSearchSinkOptions
{
    /// <summary>Most documents per indexing request (the service allows 1,000).</summary>
    public int MaxBatchDocuments { get; set; } = 1000;

    /// <summary>Most bytes per indexing request (the service allows 16 MB; the rest is headroom for the envelope).</summary>
    public long MaxBatchBytes { get; set; } = (16L * 1024 * 1024) - (64 * 1024);

    /// <summary>Retries of the chunks the service refused for a transient reason (409, 422, 429, 503).</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Wait before the first retry; doubled each time.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}

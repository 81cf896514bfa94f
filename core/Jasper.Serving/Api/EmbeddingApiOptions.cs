namespace Jasper.Serving.Api;

/// <summary>Limits of the embedding HTTP API; each one, when exceeded, is a clear error naming it.</summary>
public sealed class EmbeddingApiOptions
{
    /// <summary>Most texts per request (OpenAI allows 2,048).</summary>
    public int MaxInputs { get; set; } = 2048;

    /// <summary>Most tokens per text; by default the model's trained length.</summary>
    public int? MaxTokensPerInput { get; set; }

    /// <summary>Most tokens per request, all texts together (OpenAI allows 300,000).</summary>
    public int MaxTokensPerRequest { get; set; } = 300_000;

    /// <summary>Largest request body.</summary>
    public long MaxRequestBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>Seconds a client is told to wait (Retry-After) while the model loads.</summary>
    public int RetryAfterSeconds { get; set; } = 10;
}

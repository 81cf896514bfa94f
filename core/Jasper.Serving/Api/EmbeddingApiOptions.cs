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

    /// <summary>
    /// Most request-body bytes all requests in flight may hold together, counted as bodies are read and released when
    /// each request is answered: past it a request gets 429 <c>server_busy</c> with Retry-After, where 64 bodies of
    /// 15 MB once held 3.4 GB.
    /// </summary>
    public long MaxBufferedRequestBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Seconds a client is told to wait (Retry-After) while the model loads.</summary>
    public int RetryAfterSeconds { get; set; } = 10;
}

using Jasper.Embeddings.Inference;
using Jasper.Ingestion.Policy;
using Jasper.Serving.Api;
using Jasper.Serving.Batching;
using Jasper.Serving.Hosting;

namespace Jasper.Cli.Serving;

/// <summary>What <c>jasper serve</c> runs.</summary>
internal sealed record ServeOptions
{
    /// <summary>The model directory.</summary>
    public required string Model { get; init; }

    /// <summary>Addresses to listen on (<c>http://127.0.0.1:0</c> picks a free port).</summary>
    public string Urls { get; init; } = "http://127.0.0.1:8080";

    /// <summary>When set, requests need <c>Authorization: Bearer KEY</c> or <c>api-key: KEY</c>.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Coalesce concurrent requests.</summary>
    public bool DynamicBatching { get; init; } = true;

    /// <summary>Most requests waiting or running before new ones get 429 (<see cref="DynamicBatchingOptions.MaxPendingRequests"/>).</summary>
    public int MaxPendingRequests { get; init; } = new DynamicBatchingOptions().MaxPendingRequests;

    /// <summary>Most tokens waiting or running before new requests get 429 (<see cref="DynamicBatchingOptions.MaxPendingTokens"/>).</summary>
    public long MaxPendingTokens { get; init; } = new DynamicBatchingOptions().MaxPendingTokens;

    /// <summary>Execution provider.</summary>
    public ExecutionProvider Device { get; init; } = ExecutionProvider.Auto;

    /// <summary>Most padded tokens per inference; null for the encoder's (on a CUDA GPU, what its free memory allows).</summary>
    public int? BatchTokens { get; init; }

    /// <summary>The prompt of requests that name none (for example <c>query</c> for a search front end); null for the model's default.</summary>
    public string? DefaultPromptName { get; init; }

    /// <summary>API limits.</summary>
    public EmbeddingApiOptions Limits { get; init; } = new();

    /// <summary>The model host's options for these settings.</summary>
    public ModelHostOptions HostOptions() => new()
    {
        Path = Model,
        Encoder = new JasperEncoderOptions { Device = Device, DefaultPromptName = DefaultPromptName, BatchTokenBudget = BatchTokens },
        Batching = new DynamicBatchingOptions { Enabled = DynamicBatching, MaxPendingRequests = MaxPendingRequests, MaxPendingTokens = MaxPendingTokens },
    };

    /// <summary>The ratios priorities map to.</summary>
    public CompressionPolicyOptions Policy { get; init; } = new();
}

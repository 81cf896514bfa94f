using Jasper.Ingestion.Policy;

namespace Jasper.Serving.Api;

/// <summary>How vectors are written in a response.</summary>
internal enum EncodingFormat
{
    /// <summary>A JSON array of numbers.</summary>
    Float,

    /// <summary>Base64 of little-endian float32 (what the official OpenAI SDKs ask for).</summary>
    Base64,
}

/// <summary>A parsed embedding request, from either contract.</summary>
internal sealed record EmbeddingRequest
{
    /// <summary>The texts, in order.</summary>
    public required IReadOnlyList<string> Inputs { get; init; }

    /// <summary>The model the client named (informational; this server has one).</summary>
    public string? Model { get; init; }

    /// <summary>Float or base64.</summary>
    public EncodingFormat Format { get; init; } = EncodingFormat.Float;

    /// <summary>Truncate vectors to this many dimensions, then renormalise.</summary>
    public int? Dimensions { get; init; }

    /// <summary>The model prompt (query or document), from <c>prompt_name</c> or <c>input_type</c>.</summary>
    public string? PromptName { get; init; }

    /// <summary>Native only: priority, which picks the ratio.</summary>
    public IngestPriority? Priority { get; init; }

    /// <summary>An explicit compression ratio.</summary>
    public double? CompressionRatio { get; init; }

    /// <summary>Native only: false returns the raw output of the model's last layer.</summary>
    public bool Normalize { get; init; } = true;

    /// <summary>Whether texts past the maximum keep their first tokens (TEI's <c>truncate</c>) instead of being refused.</summary>
    public bool Truncate { get; init; }
}

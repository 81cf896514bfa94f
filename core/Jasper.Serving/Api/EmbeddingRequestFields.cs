namespace Jasper.Serving.Api;

/// <summary>
/// The fields the two embedding routes accept: the one list the request parser checks bodies against and the OpenAPI
/// document describes, so the two cannot disagree.
/// </summary>
public static class EmbeddingRequestFields
{
    /// <summary><c>input_type</c> values, as other embedding APIs spell them (Cohere, Voyage, Nomic, E5's passage), to this model's prompt names.</summary>
    internal static readonly Dictionary<string, string> InputTypes = new(StringComparer.Ordinal)
    {
        ["query"] = "query",
        ["search_query"] = "query",
        ["document"] = "document",
        ["search_document"] = "document",
        ["passage"] = "document",
    };

    /// <summary>The OpenAI embeddings request, with the extra body fields the official SDKs pass through.</summary>
    public static IReadOnlyList<RequestField> OpenAI { get; } =
    [
        new("input", RequestFieldType.StringOrStrings, "The text, or the texts, to embed.", Required: true),
        new("model", RequestFieldType.String, "Accepted and ignored: the served model answers (see GET /v1/models)."),
        new("encoding_format", RequestFieldType.String, "float (default) or base64 (little-endian float32).", ["float", "base64"]),
        new("dimensions", RequestFieldType.Integer, "Keep the first N dimensions, renormalised."),
        new("user", RequestFieldType.String, "Accepted and ignored."),
        new("input_type", RequestFieldType.String, "Extra body field: the prompt by what the texts are (query for search queries, document for passages).", [.. InputTypes.Keys]),
        new("prompt_name", RequestFieldType.String, "Extra body field: a prompt of the model by name (GET /api/info lists them); or use input_type."),
        new("compression_ratio", RequestFieldType.Number, "Extra body field: the ratio to compress texts at, 0.1 to 1 (default: the model's 0.5)."),
        new("truncate", RequestFieldType.Boolean, "Extra body field: true keeps the first tokens of a text past the maximum instead of refusing it."),
    ];

    /// <summary>The native embed request: the OpenAI fields, a priority and raw (unnormalised) output.</summary>
    public static IReadOnlyList<RequestField> Native { get; } =
    [
        .. OpenAI,
        new("priority", RequestFieldType.String, "The compression ratio of a priority, as ingestion chooses it (when compression_ratio is not sent).", ["high", "normal", "low"]),
        new("normalize", RequestFieldType.Boolean, "false returns the raw, unnormalised output (default true)."),
    ];
}

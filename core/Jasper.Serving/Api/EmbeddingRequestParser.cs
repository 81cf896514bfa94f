using System.Text.Json;
using Jasper.Ingestion.Policy;

namespace Jasper.Serving.Api;

/// <summary>
/// Parses request bodies of the two contracts with errors that name the field: the OpenAI one (<c>input</c>,
/// <c>model</c>, <c>encoding_format</c>, <c>dimensions</c>, <c>user</c>, plus the extra body fields the official SDKs
/// pass through: <c>input_type</c>, <c>prompt_name</c>, <c>compression_ratio</c>, <c>truncate</c>) and the native one,
/// which adds <c>priority</c> and <c>normalize</c>.
/// </summary>
internal static class EmbeddingRequestParser
{
    private static readonly HashSet<string> OpenAIFields = [.. EmbeddingRequestFields.OpenAI.Select(f => f.Name)];
    private static readonly HashSet<string> NativeFields = [.. EmbeddingRequestFields.Native.Select(f => f.Name)];

    /// <summary>Parses an OpenAI embeddings request.</summary>
    public static EmbeddingRequest ParseOpenAI(ReadOnlySpan<byte> body) => Parse(body, native: false);

    /// <summary>Parses a native embed request.</summary>
    public static EmbeddingRequest ParseNative(ReadOnlySpan<byte> body) => Parse(body, native: true);

    private static EmbeddingRequest Parse(ReadOnlySpan<byte> body, bool native)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw ApiException.Invalid($"The request body is not valid JSON: {ex.Message}", null, "invalid_json");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw ApiException.Invalid("The request body must be a JSON object.", null, "invalid_json");
            }

            foreach (var property in root.EnumerateObject())
            {
                if (!(native ? NativeFields : OpenAIFields).Contains(property.Name))
                {
                    throw ApiException.Invalid($"Unknown parameter '{property.Name}'.", property.Name, "unknown_parameter");
                }
            }

            return new EmbeddingRequest
            {
                Inputs = Inputs(root),
                Model = OptionalString(root, "model"),
                Format = Format(root),
                Dimensions = Dimensions(root),
                PromptName = PromptName(root),
                Priority = native ? Priority(root) : null,
                CompressionRatio = Ratio(root),
                Normalize = !native || Bool(root, "normalize") != false,
                Truncate = Bool(root, "truncate") == true,
            };
        }
    }

    private static List<string> Inputs(JsonElement root)
    {
        if (!root.TryGetProperty("input", out var input))
        {
            throw ApiException.Invalid("'input' is required: a string or an array of strings.", "input");
        }

        switch (input.ValueKind)
        {
            case JsonValueKind.String:
                return [Text(input, "input")];
            case JsonValueKind.Array:
                var texts = new List<string>();
                foreach (var item in input.EnumerateArray())
                {
                    if (item.ValueKind is JsonValueKind.Number or JsonValueKind.Array)
                    {
                        throw ApiException.Invalid(
                            "'input' holds token ids. This server tokenizes text itself with Jasper's Qwen tokenizer; ids from another tokenizer " +
                            "(such as OpenAI's tiktoken) would be meaningless here. Send the text instead; in LangChain, create OpenAIEmbeddings " +
                            "with check_embedding_ctx_length=False so that it sends strings.", "input", "token_ids_not_supported");
                    }

                    if (item.ValueKind != JsonValueKind.String)
                    {
                        throw ApiException.Invalid($"'input[{texts.Count}]' must be a string, not {Describe(item)}.", "input");
                    }

                    texts.Add(Text(item, "input"));
                }

                return texts.Count > 0 ? texts : throw ApiException.Invalid("'input' must not be an empty array.", "input");
            default:
                throw ApiException.Invalid($"'input' must be a string or an array of strings, not {Describe(input)}.", "input");
        }
    }

    // prompt_name names the prompt; input_type says the same in other APIs' words. Both may be given if they agree.
    private static string? PromptName(JsonElement root)
    {
        string? named = OptionalString(root, "prompt_name");
        string? inputType = OptionalString(root, "input_type");
        if (inputType is null)
        {
            return named;
        }

        if (!EmbeddingRequestFields.InputTypes.TryGetValue(inputType, out string? prompt))
        {
            throw ApiException.Invalid($"'input_type' must be one of {string.Join(", ", EmbeddingRequestFields.InputTypes.Keys)}, not '{inputType}'.", "input_type");
        }

        return named is null || named == prompt
            ? prompt
            : throw ApiException.Invalid($"'input_type' '{inputType}' asks for the {prompt} prompt, but 'prompt_name' is '{named}'; send one of them.", "input_type");
    }

    private static EncodingFormat Format(JsonElement root) => OptionalString(root, "encoding_format") switch
    {
        null or "float" => EncodingFormat.Float,
        "base64" => EncodingFormat.Base64,
        var other => throw ApiException.Invalid($"'encoding_format' must be 'float' or 'base64', not '{other}'.", "encoding_format"),
    };

    private static int? Dimensions(JsonElement root)
    {
        if (!root.TryGetProperty("dimensions", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int dimensions) && dimensions > 0
            ? dimensions
            : throw ApiException.Invalid("'dimensions' must be a positive integer.", "dimensions");
    }

    private static IngestPriority? Priority(JsonElement root) => OptionalString(root, "priority") switch
    {
        null => null,
        var text => IngestPriorities.TryParse(text, out var priority)
            ? priority
            : throw ApiException.Invalid($"'priority' must be high, normal or low, not '{text}'.", "priority"),
    };

    private static double? Ratio(JsonElement root)
    {
        if (!root.TryGetProperty("compression_ratio", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw ApiException.Invalid("'compression_ratio' must be a number.", "compression_ratio");
    }

    private static bool? Bool(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : throw ApiException.Invalid($"'{name}' must be true or false.", name);
    }

    private static string? OptionalString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? Text(value, name) : throw ApiException.Invalid($"'{name}' must be a string, not {Describe(value)}.", name);
    }

    // JSON may escape a lone surrogate (\ud800) and a body may hold invalid UTF-8; neither is text, and both are the
    // client's mistake, so they are a 400 naming the field rather than an exception from deep in the tokenizer.
    private static string Text(JsonElement value, string name)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            throw ApiException.Invalid($"'{name}' is not valid Unicode text (a lone surrogate or invalid UTF-8): {ex.Message}", name, "invalid_text");
        }
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "a string",
    };
}

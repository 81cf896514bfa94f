using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jasper.Embeddings.Checkpoints;

/// <summary>
/// The architecture read from a checkpoint's <c>config.json</c> (a Qwen3 configuration). Every dimension of the
/// converted graph comes from here or from the tensor shapes, never from constants.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>Width of the residual stream.</summary>
    public required int HiddenSize { get; init; }

    /// <summary>Number of decoder layers.</summary>
    public required int NumHiddenLayers { get; init; }

    /// <summary>Number of query heads.</summary>
    public required int NumAttentionHeads { get; init; }

    /// <summary>Number of key/value heads (grouped-query attention).</summary>
    public required int NumKeyValueHeads { get; init; }

    /// <summary>Width of one attention head; Qwen3 states it explicitly (it need not be hidden/heads).</summary>
    public required int HeadDim { get; init; }

    /// <summary>Width of the SwiGLU MLPs.</summary>
    public required int IntermediateSize { get; init; }

    /// <summary>Rows of the embedding table.</summary>
    public required int VocabSize { get; init; }

    /// <summary>RoPE base frequency.</summary>
    public required double RopeTheta { get; init; }

    /// <summary>RMSNorm epsilon.</summary>
    public required double RmsNormEps { get; init; }

    /// <summary>Whether q/k/v projections carry a bias.</summary>
    public bool AttentionBias { get; init; }

    /// <summary>Largest position the rotary embedding was configured for.</summary>
    public int MaxPositionEmbeddings { get; init; } = 32768;

    /// <summary>The dtype the checkpoint declares (informational; tensors carry their own dtype).</summary>
    public string? TorchDtype { get; init; }

    /// <summary>Reads and validates <c>config.json</c>.</summary>
    public static ModelConfig Load(string path)
    {
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path))?.AsObject()
                ?? throw new CheckpointFormatException($"{path} is empty.");
        }
        catch (JsonException ex)
        {
            throw new CheckpointFormatException($"{path} is not valid JSON: {ex.Message}", ex);
        }

        return FromJson(json, path);
    }

    /// <summary>Builds the configuration from parsed JSON; <paramref name="source"/> names it in errors.</summary>
    public static ModelConfig FromJson(JsonObject json, string source)
    {
        string? act = json["hidden_act"]?.GetValue<string>();
        if (act is not null && act != "silu")
        {
            throw new CheckpointFormatException($"{source}: hidden_act '{act}' is not supported (Qwen3 uses silu).");
        }

        if (json["rope_scaling"] is JsonNode scaling && scaling.GetValueKind() != JsonValueKind.Null)
        {
            throw new CheckpointFormatException($"{source}: rope_scaling is not supported (the published model has none).");
        }

        bool slidingWindow = json["use_sliding_window"]?.GetValueKind() == JsonValueKind.True
            || (json["layer_types"] is JsonArray types && types.Any(t => t?.GetValue<string>() != "full_attention"));
        if (slidingWindow)
        {
            throw new CheckpointFormatException($"{source}: sliding-window attention is not supported (the published model attends over the full sequence).");
        }

        int hidden = Required(json, "hidden_size", source);
        int heads = Required(json, "num_attention_heads", source);
        return new ModelConfig
        {
            HiddenSize = hidden,
            NumHiddenLayers = Required(json, "num_hidden_layers", source),
            NumAttentionHeads = heads,
            NumKeyValueHeads = Optional(json, "num_key_value_heads") ?? heads,
            HeadDim = Optional(json, "head_dim") ?? hidden / heads,
            IntermediateSize = Required(json, "intermediate_size", source),
            VocabSize = Required(json, "vocab_size", source),
            RopeTheta = json["rope_theta"]?.GetValue<double>() ?? 10000.0,
            RmsNormEps = json["rms_norm_eps"]?.GetValue<double>() ?? 1e-6,
            AttentionBias = json["attention_bias"]?.GetValue<bool>() ?? false,
            MaxPositionEmbeddings = Optional(json, "max_position_embeddings") ?? 32768,
            TorchDtype = json["torch_dtype"]?.GetValue<string>() ?? json["dtype"]?.GetValue<string>(),
        };
    }

    /// <summary>Writes the configuration in the published <c>config.json</c> layout.</summary>
    public JsonObject ToJson() => new()
    {
        ["architectures"] = new JsonArray("Qwen3JasperModel"),
        ["model_type"] = "qwen3",
        ["hidden_size"] = HiddenSize,
        ["num_hidden_layers"] = NumHiddenLayers,
        ["num_attention_heads"] = NumAttentionHeads,
        ["num_key_value_heads"] = NumKeyValueHeads,
        ["head_dim"] = HeadDim,
        ["intermediate_size"] = IntermediateSize,
        ["vocab_size"] = VocabSize,
        ["rope_theta"] = RopeTheta,
        ["rms_norm_eps"] = RmsNormEps,
        ["attention_bias"] = AttentionBias,
        ["hidden_act"] = "silu",
        ["max_position_embeddings"] = MaxPositionEmbeddings,
        ["rope_scaling"] = null,
        ["tie_word_embeddings"] = true,
        ["torch_dtype"] = TorchDtype ?? "bfloat16",
    };

    private static int Required(JsonObject json, string name, string source) =>
        Optional(json, name) ?? throw new CheckpointFormatException($"{source}: '{name}' is missing.");

    private static int? Optional(JsonObject json, string name) =>
        json[name] is JsonNode node && node.GetValueKind() == JsonValueKind.Number ? node.GetValue<int>() : null;
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jasper.Embeddings.Checkpoints;

/// <summary>
/// What the sentence-transformers files of a checkpoint say about using it: named prompts
/// (<c>config_sentence_transformers.json</c>), the maximum sequence length (<c>sentence_bert_config.json</c>) and
/// whether the output is L2-normalised (<c>modules.json</c>). Missing files mean the published defaults.
/// </summary>
internal sealed record SentenceTransformersSettings
{
    /// <summary>The published query prompt (note the trailing space).</summary>
    public const string PublishedQueryPrompt =
        "Instruct: Given a web search query, retrieve relevant passages that answer the query\nQuery: ";

    /// <summary>Named prompts prepended to the text before tokenisation.</summary>
    public IReadOnlyDictionary<string, string> Prompts { get; init; } = new Dictionary<string, string>
    {
        ["query"] = PublishedQueryPrompt,
        ["document"] = string.Empty,
    };

    /// <summary>The prompt used when a caller names none, if the checkpoint sets one.</summary>
    public string? DefaultPromptName { get; init; }

    /// <summary>Maximum tokens per text the model was trained for.</summary>
    public int MaxSequenceLength { get; init; } = 1024;

    /// <summary>Whether the pipeline ends in an L2 normalisation module.</summary>
    public bool Normalize { get; init; } = true;

    /// <summary>Reads the settings from a checkpoint directory.</summary>
    public static SentenceTransformersSettings Load(string directory)
    {
        var settings = new SentenceTransformersSettings();
        if (ReadObject(directory, "config_sentence_transformers.json") is JsonObject st)
        {
            if (st["prompts"] is JsonObject prompts)
            {
                settings = settings with
                {
                    Prompts = prompts.ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? string.Empty),
                };
            }

            settings = settings with { DefaultPromptName = st["default_prompt_name"]?.GetValue<string>() };
        }

        if (ReadObject(directory, "sentence_bert_config.json") is JsonObject sb && sb["max_seq_length"] is JsonNode max)
        {
            settings = settings with { MaxSequenceLength = max.GetValue<int>() };
        }

        if (ReadNode(directory, "modules.json") is JsonArray modules)
        {
            bool normalize = modules.Any(m => m?["type"]?.GetValue<string>()?.EndsWith("Normalize", StringComparison.Ordinal) == true);
            settings = settings with { Normalize = normalize };
        }

        return settings;
    }

    /// <summary>Writes the three files in the published layout (used by the random checkpoint generator).</summary>
    public void Save(string directory)
    {
        var prompts = new JsonObject();
        foreach (var (name, prompt) in Prompts)
        {
            prompts[name] = prompt;
        }

        Write(directory, "config_sentence_transformers.json", new JsonObject
        {
            ["prompts"] = prompts,
            ["default_prompt_name"] = DefaultPromptName,
            ["similarity_fn_name"] = "cosine",
        });
        Write(directory, "sentence_bert_config.json", new JsonObject { ["max_seq_length"] = MaxSequenceLength, ["do_lower_case"] = false });
        var modules = new JsonArray(new JsonObject { ["idx"] = 0, ["name"] = "0", ["path"] = "", ["type"] = "sentence_transformers.models.Transformer" });
        if (Normalize)
        {
            modules.Add(new JsonObject { ["idx"] = 1, ["name"] = "1", ["path"] = "1_Normalize", ["type"] = "sentence_transformers.models.Normalize" });
        }

        Write(directory, "modules.json", modules);
    }

    private static JsonObject? ReadObject(string directory, string file) => ReadNode(directory, file) as JsonObject;

    private static JsonNode? ReadNode(string directory, string file)
    {
        string path = Path.Combine(directory, file);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw new CheckpointFormatException($"{path} is not valid JSON: {ex.Message}", ex);
        }
    }

    private static void Write(string directory, string file, JsonNode node) =>
        File.WriteAllText(Path.Combine(directory, file), node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
}

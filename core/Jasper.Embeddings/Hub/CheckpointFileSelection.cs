namespace Jasper.Embeddings.Hub;

/// <summary>Which files of a repository make up a checkpoint in the published layout.</summary>
internal static class CheckpointFileSelection
{
    /// <summary>Files without which conversion cannot work.</summary>
    public static IReadOnlyList<string> Required { get; } = ["config.json", "tokenizer.json"];

    /// <summary>Files used when present.</summary>
    public static IReadOnlyList<string> Optional { get; } =
        ["tokenizer_config.json", "config_sentence_transformers.json", "sentence_bert_config.json", "modules.json", "model.safetensors.index.json"];

    /// <summary>Picks the checkpoint's files from a repository listing: the configuration and tokenizer files, and root-level safetensors weights.</summary>
    public static IReadOnlyList<HubFile> Select(IReadOnlyList<HubFile> listing, string repository)
    {
        var byPath = listing.ToDictionary(f => f.Path, StringComparer.Ordinal);
        var missing = Required.Where(f => !byPath.ContainsKey(f)).ToList();
        var weights = listing.Where(f => !f.Path.Contains('/', StringComparison.Ordinal) && f.Path.EndsWith(".safetensors", StringComparison.Ordinal)).ToList();
        if (weights.Count == 0)
        {
            missing.Add("*.safetensors");
        }

        if (missing.Count > 0)
        {
            throw new HubException($"{repository} is not a checkpoint in the published layout: it lacks {string.Join(", ", missing)}.");
        }

        return [.. Required.Concat(Optional).Where(byPath.ContainsKey).Select(f => byPath[f]), .. weights];
    }
}

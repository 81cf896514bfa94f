using System.Text.Json;

namespace Jasper.Embeddings.Tokenization;

/// <summary>
/// The ids a tokenizer file's <c>post_processor</c> adds around a single sequence. <c>ByteLevel</c> adds none;
/// <c>TemplateProcessing</c> (newer Qwen3-Embedding files append <c>&lt;|endoftext|&gt;</c>), <c>RobertaProcessing</c>
/// and <c>BertProcessing</c> add theirs; <c>Sequence</c> composes them.
/// </summary>
internal sealed record PostProcessorTemplate(IReadOnlyList<int> Prefix, IReadOnlyList<int> Suffix)
{
    /// <summary>No added ids.</summary>
    public static PostProcessorTemplate None { get; } = new([], []);

    /// <summary>Number of ids added around each text.</summary>
    public int AddedCount => Prefix.Count + Suffix.Count;

    /// <summary>Reads the <c>post_processor</c> node of <c>tokenizer.json</c> (which may be null).</summary>
    public static PostProcessorTemplate Parse(JsonElement node)
    {
        if (node.ValueKind == JsonValueKind.Null)
        {
            return None;
        }

        string type = node.GetProperty("type").GetString() ?? string.Empty;
        return type switch
        {
            "ByteLevel" => None,
            "Sequence" => node.GetProperty("processors").EnumerateArray().Select(Parse).Aggregate(None, Combine),
            "TemplateProcessing" => ParseTemplate(node),
            "RobertaProcessing" or "BertProcessing" => new([Id(node.GetProperty("cls"))], [Id(node.GetProperty("sep"))]),
            _ => throw new NotSupportedException($"tokenizer.json post_processor type '{type}' is not supported."),
        };
    }

    /// <summary>Wraps content ids with the template.</summary>
    public int[] Apply(ReadOnlySpan<int> content)
    {
        var ids = new int[Prefix.Count + content.Length + Suffix.Count];
        Prefix.ToArray().CopyTo(ids, 0);
        content.CopyTo(ids.AsSpan(Prefix.Count));
        Suffix.ToArray().CopyTo(ids, Prefix.Count + content.Length);
        return ids;
    }

    private static PostProcessorTemplate Combine(PostProcessorTemplate outer, PostProcessorTemplate inner) =>
        new([.. outer.Prefix, .. inner.Prefix], [.. inner.Suffix, .. outer.Suffix]);

    private static int Id(JsonElement pair) => pair[1].GetInt32();

    private static PostProcessorTemplate ParseTemplate(JsonElement node)
    {
        var specials = node.GetProperty("special_tokens");
        var prefix = new List<int>();
        var suffix = new List<int>();
        bool seenSequence = false;
        foreach (var item in node.GetProperty("single").EnumerateArray())
        {
            if (item.TryGetProperty("Sequence", out _))
            {
                seenSequence = true;
                continue;
            }

            string tokenName = item.GetProperty("SpecialToken").GetProperty("id").GetString()!;
            var ids = specials.GetProperty(tokenName).GetProperty("ids").EnumerateArray().Select(i => i.GetInt32());
            (seenSequence ? suffix : prefix).AddRange(ids);
        }

        return new PostProcessorTemplate(prefix, suffix);
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jasper.Embeddings.Tokenization;

/// <summary>The parts of <c>tokenizer_config.json</c> that change token ids.</summary>
/// <param name="PadToken">The padding token's text.</param>
/// <param name="SplitSpecialTokens">When true, special-token strings in text are tokenised as ordinary text.</param>
internal sealed record TokenizerConfig(string? PadToken, bool SplitSpecialTokens)
{
    public static TokenizerConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            return new TokenizerConfig(null, false);
        }

        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? new JsonObject();
            string? pad = json["pad_token"] switch
            {
                JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                JsonObject o => o["content"]?.GetValue<string>(),
                _ => null,
            };
            return new TokenizerConfig(pad, json["split_special_tokens"]?.GetValue<bool>() ?? false);
        }
        catch (JsonException ex)
        {
            throw new TokenizerFormatException($"{path} is not valid JSON: {ex.Message}", ex);
        }
    }
}

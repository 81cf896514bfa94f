using System.Text.Json;

namespace Jasper.TestSupport;

/// <summary>One text of the tokenizer golden and its ids from the JavaScript reference tokenizer.</summary>
public sealed record TokenizerCase(string Category, string Text, int[] Ids);

/// <summary>Reference outputs of one text at one ratio from the PyTorch reference.</summary>
public sealed record ModelResult(double Ratio, int CompressedTokens, float[] Embedding);

/// <summary>One text of the model golden.</summary>
public sealed record ModelCase(string Text, string PromptName, int[] Ids, IReadOnlyList<ModelResult> Results);

/// <summary>Readers of the committed goldens (tests/fixtures), written by tests/reference/generate-goldens.sh.</summary>
public static class Goldens
{
    private static readonly Lazy<JsonDocument> Tokenizer = new(() => Load("tokenizer-golden.json"));
    private static readonly Lazy<JsonDocument> Model = new(() => Load("model-golden.json"));

    public static IReadOnlyList<TokenizerCase> TokenizerCases =>
        Tokenizer.Value.RootElement.GetProperty("cases").EnumerateArray().Select(c => new TokenizerCase(
            c.GetProperty("category").GetString()!, c.GetProperty("text").GetString()!, Ids(c))).ToList();

    /// <summary>The TemplateProcessing post-processor the golden script substituted, as raw JSON.</summary>
    public static string TemplatePostProcessorJson =>
        Tokenizer.Value.RootElement.GetProperty("template_post_processor").GetProperty("post_processor").GetRawText();

    public static IReadOnlyList<TokenizerCase> TemplateCases =>
        Tokenizer.Value.RootElement.GetProperty("template_post_processor").GetProperty("cases").EnumerateArray()
            .Select(c => new TokenizerCase("template", c.GetProperty("text").GetString()!, Ids(c))).ToList();

    public static IReadOnlyList<ModelCase> ModelCases =>
        Model.Value.RootElement.GetProperty("cases").EnumerateArray().Select(c => new ModelCase(
            c.GetProperty("text").GetString()!,
            c.GetProperty("prompt_name").GetString()!,
            Ids(c),
            c.GetProperty("results").EnumerateObject().Select(r => new ModelResult(
                double.Parse(r.Name, System.Globalization.CultureInfo.InvariantCulture),
                r.Value.GetProperty("compressed_tokens").GetInt32(),
                Floats(r.Value.GetProperty("embedding").GetString()!))).ToList())).ToList();

    /// <summary>SHA-256 of the checkpoint's weight files the goldens were computed on.</summary>
    public static IReadOnlyDictionary<string, string> ModelWeightHashes =>
        Model.Value.RootElement.GetProperty("checkpoint").GetProperty("weights_sha256").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetString()!);

    private static int[] Ids(JsonElement c) => c.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32()).ToArray();

    private static float[] Floats(string base64)
    {
        byte[] bytes = Convert.FromBase64String(base64);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    private static JsonDocument Load(string name) => JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, name)));
}

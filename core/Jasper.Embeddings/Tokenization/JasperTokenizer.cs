using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace Jasper.Embeddings.Tokenization;

/// <summary>
/// The Qwen byte-level BPE tokenizer of a model directory, on Microsoft.ML.Tokenizers: NFC between added tokens,
/// the Qwen split, byte-level BPE, added and special tokens, and the file's <c>post_processor</c>. Immutable and
/// safe to share between threads.
/// </summary>
/// <remarks>
/// Special-token strings typed inside user text (<c>&lt;|endoftext|&gt;</c>) become their special ids, exactly as
/// the Hugging Face tokenizer does with <c>split_special_tokens: false</c>, so that embeddings match the published
/// model; set <c>split_special_tokens: true</c> in <c>tokenizer_config.json</c> to tokenise them as plain text.
/// </remarks>
public sealed class JasperTokenizer
{
    /// <summary>The split regex of Qwen2/Qwen3 tokenizer files, the only one this tokenizer implements.</summary>
    public const string QwenSplitPattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    // NFC can shorten a text: at most threefold in UTF-8 (a Hangul L+V+T jamo sequence, 9 bytes, composes to one
    // 3-byte syllable). The length bound divides by it so that it holds for the normalized text too.
    private const int NfcShrinkFactor = 3;

    /// <summary>
    /// The longest piece (in UTF-16 characters) the pre-tokenizer hands to BPE; longer runs of one category (a word
    /// without spaces, CJK without punctuation, a whitespace run) are cut into pieces of this length. BPE is quadratic
    /// in a piece's length: a 128,000-character CJK word took 30 s to tokenize whole and 1.2 s in pieces of 2,048, the
    /// length up to which the cost per character stays flat. A piece this long is at least 2,048 / 4 characters per
    /// token ≈ 500 tokens of ordinary text, so texts within the model's 1,024 tokens seldom have one; where they do
    /// (a long run of one repeated character), the token at each cut can differ from the reference tokenizer's.
    /// </summary>
    public const int MaxPieceLength = 2048;

    private readonly BpeTokenizer _bpe;
    private readonly int _longestTokenBytes;

    private JasperTokenizer(BpeTokenizer bpe, PostProcessorTemplate template, IReadOnlyList<AddedToken> addedTokens, int padTokenId, int longestTokenBytes)
    {
        _bpe = bpe;
        _longestTokenBytes = longestTokenBytes;
        Template = template;
        AddedTokens = addedTokens;
        PadTokenId = padTokenId;
    }

    /// <summary>Ids the post-processor adds around every text.</summary>
    internal PostProcessorTemplate Template { get; }

    /// <summary>The added tokens of the file.</summary>
    internal IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <summary>How many tokens the post-processor adds around every text (special tokens such as an end-of-text id).</summary>
    public int AddedTokenCount => Template.AddedCount;

    /// <summary>Id used to pad batches (never seen by the model's pooling).</summary>
    public int PadTokenId { get; }

    /// <summary>The tokens of <paramref name="text"/> alone, without the post-processor's (a piece of a longer text).</summary>
    public int CountTokens(string text) => _bpe.CountTokens(text);

    /// <summary>
    /// Where each token of <paramref name="text"/> ends (exclusive, in characters of the text as given: it is not
    /// normalized first, so the offsets index it directly), in order; the post-processor's tokens are left out.
    /// </summary>
    public int[] TokenEnds(string text)
    {
        var tokens = _bpe.EncodeToTokens(text, out _, considerPreTokenization: true, considerNormalization: false);
        var ends = new int[tokens.Count];
        for (int i = 0; i < ends.Length; i++)
        {
            int end = tokens[i].Offset.End.GetOffset(text.Length);

            // Microsoft.ML.Tokenizers ends a token whose last character lies outside the basic plane (an emoji, a rare
            // CJK character) between that character's two UTF-16 units, one short: a cut there split the character.
            ends[i] = end > 0 && end < text.Length && char.IsHighSurrogate(text[end - 1]) && char.IsLowSurrogate(text[end]) ? end + 1 : end;
        }

        return ends;
    }

    /// <summary>The length in characters of the longest start of <paramref name="text"/> that is at most <paramref name="maxTokens"/> tokens.</summary>
    public int IndexAtTokenCount(string text, int maxTokens) => _bpe.GetIndexByTokenCount(text, maxTokens, out _, out _, considerNormalization: false);

    /// <summary>Loads <c>tokenizer.json</c> and, when present, <c>tokenizer_config.json</c> from a directory.</summary>
    public static JasperTokenizer Load(string directory)
    {
        string path = Path.Combine(directory, "tokenizer.json");
        if (!File.Exists(path))
        {
            throw new TokenizerFormatException($"'{directory}' has no tokenizer.json.");
        }

        var config = TokenizerConfig.Load(Path.Combine(directory, "tokenizer_config.json"));
        using var stream = File.OpenRead(path);
        using var doc = JsonDocument.Parse(stream);
        try
        {
            return Create(doc.RootElement, config, path);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new TokenizerFormatException($"{path} is malformed: {ex.Message}", ex);
        }
    }

    /// <summary>Token ids of <paramref name="text"/>, with the post-processor's ids when <paramref name="addSpecialTokens"/>.</summary>
    public int[] Encode(string text, bool addSpecialTokens = true)
    {
        IReadOnlyList<int> content = _bpe.EncodeToIds(text);
        int[] ids = content as int[] ?? [.. content];
        return addSpecialTokens ? Template.Apply(ids) : ids;
    }

    /// <summary>
    /// Token ids of <paramref name="text"/> limited to <paramref name="maxTokens"/> (post-processor ids included).
    /// A longer text is an error unless <paramref name="truncate"/>, which keeps its first tokens as
    /// sentence-transformers does.
    /// </summary>
    public TokenizedText Encode(string text, int maxTokens, bool truncate)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!truncate && MinimumTokens(text) + Template.AddedCount is int atLeast && atLeast > maxTokens)
        {
            throw new TokenLimitExceededException(atLeast, maxTokens, isLowerBound: true);
        }

        int[] content = Encode(text, addSpecialTokens: false);
        int total = content.Length + Template.AddedCount;
        if (total <= maxTokens)
        {
            return new TokenizedText(Template.Apply(content), total, Truncated: false);
        }

        if (!truncate)
        {
            throw new TokenLimitExceededException(total, maxTokens);
        }

        int keep = Math.Max(0, maxTokens - Template.AddedCount);
        return new TokenizedText(Template.Apply(content.AsSpan(0, keep)), total, Truncated: true);
    }

    /// <summary>
    /// A lower bound of the tokens of <paramref name="text"/> (without the post-processor's) from its length alone: no
    /// token covers more UTF-8 bytes than the longest vocabulary entry, after normalization, which shrinks text at most
    /// threefold. Linear, so a text can be refused before the BPE, which is quadratic over one long word.
    /// </summary>
    internal int MinimumTokens(string text) =>
        (int)Math.Min(int.MaxValue, (long)Encoding.UTF8.GetByteCount(text) / ((long)NfcShrinkFactor * _longestTokenBytes));

    /// <summary>Text of the given ids (special tokens included).</summary>
    public string Decode(IEnumerable<int> ids) => _bpe.Decode(ids, considerSpecialTokens: true);

    private static JasperTokenizer Create(JsonElement root, TokenizerConfig config, string path)
    {
        ValidateNormalizer(root.GetProperty("normalizer"), path);
        ValidatePreTokenizer(root.GetProperty("pre_tokenizer"), path);
        var model = root.GetProperty("model");
        if (model.GetProperty("type").GetString() != "BPE")
        {
            throw new TokenizerFormatException($"{path}: only byte-level BPE models are supported.");
        }

        var added = root.GetProperty("added_tokens").EnumerateArray().Select(ParseAddedToken).ToList();
        var matched = config.SplitSpecialTokens ? added.Where(t => !t.Special) : added;
        var matcher = new AddedTokenMatcher(matched);
        var vocab = model.GetProperty("vocab").EnumerateObject().Select(p => new KeyValuePair<string, int>(p.Name, p.Value.GetInt32())).ToList();

        // Byte-level vocabulary entries spell one byte per character; added tokens are plain text.
        int longest = Math.Max(vocab.Max(v => v.Key.Length), added.Select(t => Encoding.UTF8.GetByteCount(t.Content)).DefaultIfEmpty(1).Max());
        var options = new BpeOptions(vocab)
        {
            Merges = model.GetProperty("merges").EnumerateArray().Select(MergeLine).ToList(),
            SpecialTokens = matched.ToDictionary(t => t.Content, t => t.Id),
            PreTokenizer = new QwenPreTokenizer(matcher),
            Normalizer = new AddedTokenAwareNfcNormalizer(matcher),
            ByteLevel = true,
        };
        var template = PostProcessorTemplate.Parse(root.GetProperty("post_processor"));
        int pad = added.FirstOrDefault(t => t.Content == config.PadToken)?.Id ?? added.FirstOrDefault()?.Id ?? 0;
        return new JasperTokenizer(BpeTokenizer.Create(options), template, added, pad, longest);
    }

    private static AddedToken ParseAddedToken(JsonElement token)
    {
        foreach (string flag in new[] { "lstrip", "rstrip", "single_word" })
        {
            if (token.TryGetProperty(flag, out var value) && value.GetBoolean())
            {
                throw new TokenizerFormatException($"Added token {token.GetProperty("content")} uses '{flag}', which is not supported.");
            }
        }

        return new AddedToken(token.GetProperty("content").GetString()!, token.GetProperty("id").GetInt32(), token.GetProperty("special").GetBoolean());
    }

    // Merges are "a b" strings in older files and ["a", "b"] pairs in newer ones.
    private static string MergeLine(JsonElement merge) =>
        merge.ValueKind == JsonValueKind.Array ? $"{merge[0].GetString()} {merge[1].GetString()}" : merge.GetString()!;

    private static void ValidateNormalizer(JsonElement normalizer, string path)
    {
        if (normalizer.ValueKind != JsonValueKind.Null && normalizer.GetProperty("type").GetString() != "NFC")
        {
            throw new TokenizerFormatException($"{path}: only the NFC normalizer is supported.");
        }
    }

    private static void ValidatePreTokenizer(JsonElement pre, string path)
    {
        bool isQwen = pre.ValueKind == JsonValueKind.Object
            && pre.GetProperty("type").GetString() == "Sequence"
            && pre.GetProperty("pretokenizers") is var steps
            && steps.GetArrayLength() == 2
            && steps[0].GetProperty("type").GetString() == "Split"
            && steps[0].GetProperty("pattern").GetProperty("Regex").GetString() == QwenSplitPattern
            && steps[0].GetProperty("behavior").GetString() == "Isolated"
            && steps[1].GetProperty("type").GetString() == "ByteLevel"
            && !steps[1].GetProperty("use_regex").GetBoolean()
            && !steps[1].GetProperty("add_prefix_space").GetBoolean();
        if (!isQwen)
        {
            throw new TokenizerFormatException($"{path}: the pre_tokenizer is not the Qwen split + ByteLevel sequence this tokenizer implements.");
        }
    }
}

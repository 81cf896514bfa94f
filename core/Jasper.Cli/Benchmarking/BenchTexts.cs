using Jasper.Embeddings.Tokenization;

namespace Jasper.Cli.Benchmarking;

/// <summary>
/// Benchmark texts of an exact token count: bilingual prose drawn from a fixed vocabulary with a fixed seed, cut
/// to length by the model's own tokenizer, so every run measures the same ids and the peer gets them unchanged.
/// </summary>
internal static class BenchTexts
{
    private static readonly string[] Words =
    [
        "vector", "search", "needs", "short", "chunks", "compression", "keeps", "quality", "while", "the", "model",
        "reads", "long", "documents", "faster", "every", "token", "passes", "through", "layers", "of", "attention",
        "embedding", "retrieval", "index", "query", "passage", "ratio", "speed", "memory", "storage", "blob",
        "向量", "检索", "需要", "较短", "的", "片段", "压缩", "保持", "质量", "模型", "长", "文档", "更快", "注意力",
        "12", "2048", "3.5", "(", ")", ",", ".", ";", "—", "\n",
    ];

    /// <summary><paramref name="count"/> texts of exactly <paramref name="tokens"/> tokens, special tokens included.</summary>
    public static IReadOnlyList<TokenizedText> Create(JasperTokenizer tokenizer, int tokens, int count, int seed = 20251126)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokens, 2);
        var random = new Random(seed + tokens);
        var texts = new List<TokenizedText>(count);
        for (int i = 0; i < count; i++)
        {
            var builder = new System.Text.StringBuilder();
            TokenizedText encoded;
            do
            {
                // Words are added in runs; the tokenizer then cuts the text to the exact length.
                for (int w = 0; w < tokens; w++)
                {
                    string word = Words[random.Next(Words.Length)];
                    builder.Append(word[0] < 0x80 && builder.Length > 0 ? " " : string.Empty).Append(word);
                }

                encoded = tokenizer.Encode(builder.ToString(), tokens, truncate: true);
            }
            while (encoded.Ids.Length < tokens);

            texts.Add(encoded);
        }

        return texts;
    }
}

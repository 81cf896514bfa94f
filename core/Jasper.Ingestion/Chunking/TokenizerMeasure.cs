using Jasper.Embeddings.Tokenization;

namespace Jasper.Ingestion.Chunking;

/// <summary><see cref="ITokenMeasure"/> by the model's own tokenizer.</summary>
internal sealed class TokenizerMeasure(JasperTokenizer tokenizer) : ITokenMeasure
{
    public int AddedTokenCount => tokenizer.AddedTokenCount;

    public int CountTokens(string text) => tokenizer.CountTokens(text);

    public int[] TokenEnds(string text) => tokenizer.TokenEnds(text);

    public int IndexAtTokenCount(string text, int maxTokens) => tokenizer.IndexAtTokenCount(text, maxTokens);
}

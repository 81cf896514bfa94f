namespace Jasper.Ingestion.Chunking;

/// <summary>What the chunker asks of the model's tokenizer: counts and cut points in its tokens.</summary>
internal interface ITokenMeasure
{
    /// <summary>Tokens the post-processor adds to every text.</summary>
    int AddedTokenCount { get; }

    /// <summary>Tokens of <paramref name="text"/>, the post-processor's left out.</summary>
    int CountTokens(string text);

    /// <summary>Where each token of <paramref name="text"/> ends, in characters of the text as given.</summary>
    int[] TokenEnds(string text);

    /// <summary>The length in characters of the longest start of <paramref name="text"/> that is at most <paramref name="maxTokens"/> tokens.</summary>
    int IndexAtTokenCount(string text, int maxTokens);
}

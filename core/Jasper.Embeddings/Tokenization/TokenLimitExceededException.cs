namespace Jasper.Embeddings.Tokenization;

/// <summary>A text longer than the allowed number of tokens, when truncation was not asked for.</summary>
public sealed class TokenLimitExceededException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TokenLimitExceededException(int tokenCount, int maxTokens, bool isLowerBound = false)
        : base($"The text has {(isLowerBound ? "at least " : string.Empty)}{tokenCount} tokens, more than the maximum of {maxTokens}; shorten it or allow truncation.")
    {
        TokenCount = tokenCount;
        MaxTokens = maxTokens;
        IsLowerBound = isLowerBound;
    }

    /// <summary>Tokens of the text, or a lower bound of them when <see cref="IsLowerBound"/>.</summary>
    public int TokenCount { get; }

    /// <summary>Whether the text's length alone proved it too long, so it was never tokenized.</summary>
    public bool IsLowerBound { get; }

    /// <summary>The limit.</summary>
    public int MaxTokens { get; }
}

namespace Jasper.Embeddings.Tokenization;

/// <summary>A text longer than the allowed number of tokens, when truncation was not asked for.</summary>
public sealed class TokenLimitExceededException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TokenLimitExceededException(int tokenCount, int maxTokens)
        : base($"The text has {tokenCount} tokens, more than the maximum of {maxTokens}; shorten it or allow truncation.")
    {
        TokenCount = tokenCount;
        MaxTokens = maxTokens;
    }

    /// <summary>Tokens of the text.</summary>
    public int TokenCount { get; }

    /// <summary>The limit.</summary>
    public int MaxTokens { get; }
}

namespace Jasper.Embeddings.Tokenization;

/// <summary>A tokenizer file this implementation cannot reproduce exactly.</summary>
public sealed class TokenizerFormatException : Exception
{
    /// <summary>Creates the exception with a message that names the file and the unsupported part.</summary>
    public TokenizerFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception around the error that revealed the problem.</summary>
    public TokenizerFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace Jasper.Cli;

/// <summary>A malformed input line; the message names its line number.</summary>
internal sealed class InputFormatException : Exception
{
    public InputFormatException(string message)
        : base(message)
    {
    }

    public InputFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

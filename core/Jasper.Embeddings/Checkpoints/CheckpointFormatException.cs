namespace Jasper.Embeddings.Checkpoints;

/// <summary>A checkpoint directory or file that does not follow the published layout.</summary>
public sealed class CheckpointFormatException : Exception
{
    /// <summary>Creates the exception with a message that names the file and what is wrong with it.</summary>
    public CheckpointFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception around the error that revealed the problem.</summary>
    public CheckpointFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

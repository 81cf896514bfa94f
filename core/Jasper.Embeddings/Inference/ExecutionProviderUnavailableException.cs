namespace Jasper.Embeddings.Inference;

/// <summary>An execution provider was asked for explicitly but this build or machine cannot offer it.</summary>
public sealed class ExecutionProviderUnavailableException : Exception
{
    /// <summary>Creates the exception with a message that says what to install.</summary>
    public ExecutionProviderUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception around the error ONNX Runtime raised.</summary>
    public ExecutionProviderUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

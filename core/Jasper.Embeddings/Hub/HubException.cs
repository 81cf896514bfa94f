namespace Jasper.Embeddings.Hub;

/// <summary>A download from the hub failed in a way the user can act on; the message says how.</summary>
public sealed class HubException : Exception
{
    /// <summary>Creates the exception.</summary>
    public HubException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception around the error that caused it.</summary>
    public HubException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

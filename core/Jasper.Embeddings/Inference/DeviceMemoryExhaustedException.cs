namespace Jasper.Embeddings.Inference;

/// <summary>
/// The device ran out of memory for an inference that cannot be split further: one text alone, or the load-time
/// probe that sizes the batch budget. Batches of several texts are split and run in halves instead.
/// </summary>
public sealed class DeviceMemoryExhaustedException : Exception
{
    /// <summary>Creates the exception around the error ONNX Runtime raised, with what to do about it.</summary>
    public DeviceMemoryExhaustedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace Jasper.Embeddings.Inference.Budget;

/// <summary>Reads how much memory a device has free (ONNX Runtime has no API for it).</summary>
internal interface IDeviceMemory
{
    /// <summary>The device, as log lines name it.</summary>
    string Device { get; }

    /// <summary>Free bytes on the device now, all processes counted; null when it cannot be read.</summary>
    long? ReadFreeBytes();
}

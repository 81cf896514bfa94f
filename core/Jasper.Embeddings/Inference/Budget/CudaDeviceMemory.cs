using System.Runtime.InteropServices;

namespace Jasper.Embeddings.Inference.Budget;

/// <summary>
/// A CUDA device's free memory from the CUDA runtime's <c>cudaMemGetInfo</c>, through the same
/// <see cref="CudaRuntime.Library"/> the CUDA provider has already loaded, so it sees the context that holds the weights.
/// </summary>
internal sealed unsafe class CudaDeviceMemory : IDeviceMemory
{
    private readonly int _deviceId;
    private readonly delegate* unmanaged<int, int> _setDevice;
    private readonly delegate* unmanaged<nuint*, nuint*, int> _memGetInfo;

    private CudaDeviceMemory(int deviceId, nint setDevice, nint memGetInfo)
    {
        _deviceId = deviceId;
        _setDevice = (delegate* unmanaged<int, int>)setDevice;
        _memGetInfo = (delegate* unmanaged<nuint*, nuint*, int>)memGetInfo;
    }

    /// <inheritdoc />
    public string Device => $"CUDA device {_deviceId}";

    /// <summary>The device's memory, or null where the CUDA runtime does not load (a CPU machine).</summary>
    public static CudaDeviceMemory? Open(int deviceId) =>
        NativeLibrary.TryLoad(CudaRuntime.Library, out nint library)
        && NativeLibrary.TryGetExport(library, "cudaSetDevice", out nint setDevice)
        && NativeLibrary.TryGetExport(library, "cudaMemGetInfo", out nint memGetInfo)
            ? new CudaDeviceMemory(deviceId, setDevice, memGetInfo)
            : null;

    /// <inheritdoc />
    public long? ReadFreeBytes()
    {
        // The current device is state of the calling host thread: set it on a thread of our own, not on a pool thread
        // that ONNX Runtime may run a session on.
        long? free = null;
        var thread = new Thread(() => free = Read()) { IsBackground = true, Name = "cudaMemGetInfo" };
        thread.Start();
        thread.Join();
        return free;
    }

    private long? Read()
    {
        nuint free, total;
        return _setDevice(_deviceId) == 0 && _memGetInfo(&free, &total) == 0 ? (long)free : null;
    }
}

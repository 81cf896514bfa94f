namespace Jasper.Embeddings.Inference;

/// <summary>
/// The CUDA runtime ONNX Runtime's CUDA provider links (<c>Microsoft.ML.OnnxRuntime.Gpu</c> 1.31.0): one place for the
/// version that error messages name and that free device memory is read through. <c>OnnxRuntimeCudaMajor</c> in
/// <c>Directory.Packages.props</c> is the build's copy, and a test keeps the two in step.
/// </summary>
internal static class CudaRuntime
{
    /// <summary>The CUDA major version.</summary>
    public const int Major = 13;

    /// <summary>The oldest NVIDIA driver that runs CUDA <see cref="Major"/>.</summary>
    public const int MinimumDriver = 580;

    /// <summary>The CUDA runtime library's file name on this operating system.</summary>
    public static string Library { get; } = OperatingSystem.IsWindows() ? $"cudart64_{Major}.dll" : $"libcudart.so.{Major}";

    /// <summary>What the CUDA provider needs installed, for error messages.</summary>
    public static string Requirements { get; } =
        $"the CUDA {Major} runtime (libcudart.so.{Major}, libcublas.so.{Major}, libcublasLt.so.{Major}, libcurand.so.10), " +
        $"cuDNN 9 for CUDA {Major} and an NVIDIA driver of {MinimumDriver} or later";
}

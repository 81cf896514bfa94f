namespace Jasper.Embeddings.Inference;

/// <summary>The provider chosen for a request, and why a GPU was not used when it was not.</summary>
/// <param name="Provider">The provider to configure (never <see cref="ExecutionProvider.Auto"/>).</param>
/// <param name="Requested">What was asked for.</param>
/// <param name="FallbackReason">Set when <c>auto</c> settled for the CPU.</param>
public sealed record ProviderSelection(ExecutionProvider Provider, ExecutionProvider Requested, string? FallbackReason = null)
{
    /// <summary>ONNX Runtime's name of the CUDA provider.</summary>
    public const string CudaProviderName = "CUDAExecutionProvider";

    /// <summary>ONNX Runtime's name of the DirectML provider.</summary>
    public const string DirectMLProviderName = "DmlExecutionProvider";

    /// <summary>DirectML sessions must not run two inferences at once.</summary>
    public bool RequiresSerializedRuns => Provider == ExecutionProvider.DirectML;

    /// <summary>
    /// Decides which provider to use from what was asked, the providers compiled into the loaded native library
    /// and the operating system. Explicit requests that cannot be met fail with the package to install.
    /// </summary>
    public static ProviderSelection Select(ExecutionProvider requested, IReadOnlyCollection<string> available, bool isWindows)
    {
        bool hasCuda = available.Contains(CudaProviderName);
        bool hasDirectML = isWindows && available.Contains(DirectMLProviderName);
        return requested switch
        {
            ExecutionProvider.Cpu => new(ExecutionProvider.Cpu, requested),
            ExecutionProvider.Cuda when hasCuda => new(ExecutionProvider.Cuda, requested),
            ExecutionProvider.Cuda => throw new ExecutionProviderUnavailableException(
                $"The CUDA execution provider is not in this build of ONNX Runtime (it has: {string.Join(", ", available)}). " +
                $"Install the CUDA flavour: build with -p:OnnxRuntimeFlavour=cuda, which uses the NuGet package " +
                $"{(isWindows ? "Microsoft.ML.OnnxRuntime.Gpu.Windows" : "Microsoft.ML.OnnxRuntime.Gpu.Linux")}, and install {CudaRuntime.Requirements}."),
            ExecutionProvider.DirectML when hasDirectML => new(ExecutionProvider.DirectML, requested),
            ExecutionProvider.DirectML when !isWindows => throw new ExecutionProviderUnavailableException(
                "DirectML runs only on Windows; on Linux use --device cuda (NVIDIA) or cpu."),
            ExecutionProvider.DirectML => throw new ExecutionProviderUnavailableException(
                $"The DirectML execution provider is not in this build of ONNX Runtime (it has: {string.Join(", ", available)}). " +
                "Install the DirectML flavour: build with -p:OnnxRuntimeFlavour=directml, which uses the NuGet package Microsoft.ML.OnnxRuntime.DirectML."),
            ExecutionProvider.Auto when hasDirectML => new(ExecutionProvider.DirectML, requested),
            ExecutionProvider.Auto when hasCuda => new(ExecutionProvider.Cuda, requested),
            ExecutionProvider.Auto => new(ExecutionProvider.Cpu, requested,
                $"no GPU execution provider in this ONNX Runtime build (it has: {string.Join(", ", available)})"),
            _ => throw new ArgumentOutOfRangeException(nameof(requested), requested, null),
        };
    }
}

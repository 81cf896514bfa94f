using Microsoft.ML.OnnxRuntime;

namespace Jasper.Embeddings.Inference.Budget;

/// <summary>Tells an inference that failed for want of memory from one that failed for another reason.</summary>
internal static class MemoryExhaustion
{
    // ONNX Runtime reports exhaustion only in its message: its arena's two (every provider: a failed allocation, and an
    // arena at its cap), CUDA's and DirectML's words.
    private static readonly string[] Signs = ["Failed to allocate memory", "is smaller than requested bytes", "out of memory", "CUBLAS_STATUS_ALLOC_FAILED", "E_OUTOFMEMORY", "0x8007000E"];

    /// <summary>Whether <paramref name="error"/> says the device ran out of memory.</summary>
    public static bool IsReportedBy(OnnxRuntimeException error) =>
        Signs.Any(sign => error.Message.Contains(sign, StringComparison.OrdinalIgnoreCase));
}

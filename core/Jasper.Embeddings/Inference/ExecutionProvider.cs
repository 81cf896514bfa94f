namespace Jasper.Embeddings.Inference;

/// <summary>Where ONNX Runtime runs the model.</summary>
public enum ExecutionProvider
{
    /// <summary>DirectML on Windows, else CUDA, when this build's native package offers them; otherwise CPU.</summary>
    Auto,

    /// <summary>The CPU provider (every build).</summary>
    Cpu,

    /// <summary>NVIDIA CUDA (build with <c>-p:OnnxRuntimeFlavour=cuda</c>).</summary>
    Cuda,

    /// <summary>DirectML on Windows GPUs (build with <c>-p:OnnxRuntimeFlavour=directml</c>).</summary>
    DirectML,
}

/// <summary>Text forms of <see cref="ExecutionProvider"/>.</summary>
public static class ExecutionProviders
{
    /// <summary>Parses <c>auto</c>, <c>cpu</c>, <c>cuda</c> or <c>directml</c>.</summary>
    public static ExecutionProvider Parse(string name) => name.ToLowerInvariant() switch
    {
        "auto" => ExecutionProvider.Auto,
        "cpu" => ExecutionProvider.Cpu,
        "cuda" => ExecutionProvider.Cuda,
        "directml" or "dml" => ExecutionProvider.DirectML,
        _ => throw new ArgumentException($"Unknown device '{name}'; use auto, cpu, cuda or directml.", nameof(name)),
    };

    /// <summary>The lower-case name used on the command line and in logs.</summary>
    public static string ToName(this ExecutionProvider provider) => provider.ToString().ToLowerInvariant();
}

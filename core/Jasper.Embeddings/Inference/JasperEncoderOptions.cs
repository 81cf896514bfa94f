namespace Jasper.Embeddings.Inference;

/// <summary>How a <see cref="JasperEncoder"/> runs. Unset values come from the model manifest.</summary>
public sealed class JasperEncoderOptions
{
    /// <summary>Execution provider; <see cref="ExecutionProvider.Auto"/> falls back to the CPU with a log line.</summary>
    public ExecutionProvider Device { get; set; } = ExecutionProvider.Auto;

    /// <summary>GPU index for CUDA or DirectML.</summary>
    public int DeviceId { get; set; }

    /// <summary>
    /// Most padded tokens (rows × longest row) one inference may take. Texts are sorted by length and packed
    /// greedily under it; a single text longer than the budget runs alone. By default
    /// <see cref="CpuBatchTokenBudget"/> on the CPU; on a CUDA GPU as many tokens as fit in
    /// <see cref="DeviceMemoryFraction"/> of its free memory, measured by a probe inference at load, at most
    /// <see cref="GpuBatchTokenBudget"/>; <see cref="GpuBatchTokenBudget"/> on DirectML. Setting it skips the probe.
    /// </summary>
    public int? BatchTokenBudget { get; set; }

    /// <summary>
    /// The CPU's default budget: 8,192 tokens keep a batch's activations in the caches' reach and the arena small.
    /// </summary>
    public const int CpuBatchTokenBudget = 8192;

    /// <summary>
    /// A GPU's budget at most: 65,536 tokens, 64 texts of 1,024. A GPU wants far larger batches than a CPU; the H200
    /// bench ran its batches of 32 texts of 1,024 under it at full speed, and larger batches only add latency. A CUDA
    /// device with less free memory gets less (<see cref="BatchTokenBudget"/>); DirectML, whose free memory is not read,
    /// gets this.
    /// </summary>
    public const int GpuBatchTokenBudget = 65536;

    /// <summary>
    /// Share of a CUDA device's free memory (after the weights, other processes' use counted) that a batch's
    /// activations may fill when the budget is chosen from it; the rest is headroom for the allocator's rounding and
    /// other processes. Lower it to share the GPU.
    /// </summary>
    public double DeviceMemoryFraction { get; set; } = DefaultDeviceMemoryFraction;

    /// <summary>The default <see cref="DeviceMemoryFraction"/>: 0.8.</summary>
    public const double DefaultDeviceMemoryFraction = 0.8;

    /// <summary>Most texts in one inference.</summary>
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>Most tokens per text (prompt and special tokens included); the manifest's trained length by default.</summary>
    public int? MaxTokens { get; set; }

    /// <summary>Keep the first tokens of longer texts instead of failing.</summary>
    public bool Truncate { get; set; }

    /// <summary>Ratio for texts that state none; the manifest's default (0.5) by default.</summary>
    public double? DefaultCompressionRatio { get; set; }

    /// <summary>Prompt for texts that name none; the manifest's default prompt (if any) by default.</summary>
    public string? DefaultPromptName { get; set; }

    /// <summary>CPU threads per inference; by default the processors this process may use (its container's quota).</summary>
    public int? IntraOpThreads { get; set; }
}

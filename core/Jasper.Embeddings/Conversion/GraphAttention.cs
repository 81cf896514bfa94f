namespace Jasper.Embeddings.Conversion;

/// <summary>How a converted graph computes attention, which also decides how texts are laid out in a batch.</summary>
public enum GraphAttention
{
    /// <summary>
    /// Scores, mask and softmax as standard ONNX operators. Several texts may share a row (packing), which is what
    /// keeps short texts cheap on a CPU; every provider runs it, DirectML included.
    /// </summary>
    Explicit,

    /// <summary>
    /// ONNX Runtime's <c>GroupQueryAttention</c> (com.microsoft) with its rotary embedding, whose CUDA kernel is flash
    /// attention in float16. The kernel is causal over one sequence per row, so each text has a row of its own,
    /// right-padded; padding needs no mask because a causal query never sees a later (padded) key.
    /// </summary>
    Fused,
}

/// <summary>Text forms and defaults of <see cref="GraphAttention"/>.</summary>
public static class GraphAttentions
{
    /// <summary>The CLI and manifest spelling (<c>explicit</c>, <c>fused</c>).</summary>
    public static string ToName(this GraphAttention attention) => attention.ToString().ToLowerInvariant();

    /// <summary>
    /// The attention a precision is converted with unless told otherwise: fused for fp16, the GPU precision, and
    /// explicit for the CPU precisions, where packing short texts pays more than a fused kernel.
    /// </summary>
    public static GraphAttention DefaultFor(ModelPrecision precision) => precision == ModelPrecision.Fp16 ? GraphAttention.Fused : GraphAttention.Explicit;

    /// <summary>Parses <c>explicit</c> or <c>fused</c>.</summary>
    public static GraphAttention Parse(string name)
    {
        foreach (var attention in Enum.GetValues<GraphAttention>())
        {
            if (string.Equals(attention.ToName(), name, StringComparison.OrdinalIgnoreCase))
            {
                return attention;
            }
        }

        throw new ArgumentException($"Unknown attention '{name}'; use explicit or fused.", nameof(name));
    }
}

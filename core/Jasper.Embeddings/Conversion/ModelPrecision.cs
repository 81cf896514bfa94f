namespace Jasper.Embeddings.Conversion;

/// <summary>Numeric precision of a converted model's weights and matrix products.</summary>
public enum ModelPrecision
{
    /// <summary>float32 everywhere: the reference.</summary>
    Fp32,

    /// <summary>
    /// float16 weights and matrix products for GPUs, with RMSNorm, softmax, rotary embedding, the compression
    /// pooling sums, the residual stream and the output projection kept in float32 (float16 alone gives NaNs).
    /// </summary>
    Fp16,

    /// <summary>
    /// 8-bit weights for CPUs: every linear layer a <c>MatMulNBits</c> (blocks of 128, int8 arithmetic on the
    /// activations), the embedding table int8 per row; everything else float32.
    /// </summary>
    Int8,

    /// <summary>As <see cref="Int8"/> with 4-bit linear weights in blocks of 32: the smallest, least exact variant.</summary>
    Int4,
}

/// <summary>Text forms and properties of <see cref="ModelPrecision"/>.</summary>
public static class ModelPrecisions
{
    /// <summary>Every precision, in the order the CLI lists them.</summary>
    public static IReadOnlyList<ModelPrecision> All { get; } = Enum.GetValues<ModelPrecision>();

    /// <summary>The CLI and manifest spelling (<c>fp32</c>, <c>fp16</c>, <c>int8</c>, <c>int4</c>).</summary>
    public static string ToName(this ModelPrecision precision) => precision.ToString().ToLowerInvariant();

    /// <summary>Whether the linear weights are block-quantized integers.</summary>
    public static bool IsQuantized(this ModelPrecision precision) => precision is ModelPrecision.Int8 or ModelPrecision.Int4;

    /// <summary>Bits per quantized linear weight (8 or 4); 0 for the float precisions.</summary>
    public static int WeightBits(this ModelPrecision precision) => precision switch
    {
        ModelPrecision.Int8 => 8,
        ModelPrecision.Int4 => 4,
        _ => 0,
    };

    /// <summary>
    /// Values per quantization block: 128 for int8, where ONNX Runtime's int8 kernels run fastest and the error is
    /// already tiny, and 32 for int4, where smaller blocks buy back accuracy.
    /// </summary>
    public static int DefaultBlockSize(this ModelPrecision precision) => precision == ModelPrecision.Int4 ? 32 : 128;

    /// <summary>Parses <c>fp32</c>, <c>fp16</c>, <c>int8</c> or <c>int4</c>.</summary>
    public static ModelPrecision Parse(string name)
    {
        foreach (var precision in All)
        {
            if (string.Equals(precision.ToName(), name, StringComparison.OrdinalIgnoreCase))
            {
                return precision;
            }
        }

        throw new ArgumentException($"Unknown precision '{name}'; use {string.Join(", ", All.Select(p => p.ToName()))}.", nameof(name));
    }
}

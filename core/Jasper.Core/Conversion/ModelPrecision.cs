namespace Jasper.Core.Conversion;

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
}

/// <summary>Text forms of <see cref="ModelPrecision"/>.</summary>
public static class ModelPrecisions
{
    /// <summary>The CLI and manifest spelling (<c>fp32</c>, <c>fp16</c>).</summary>
    public static string ToName(this ModelPrecision precision) => precision.ToString().ToLowerInvariant();

    /// <summary>Parses <c>fp32</c> or <c>fp16</c>.</summary>
    public static ModelPrecision Parse(string name) => name.ToLowerInvariant() switch
    {
        "fp32" => ModelPrecision.Fp32,
        "fp16" => ModelPrecision.Fp16,
        _ => throw new ArgumentException($"Unknown precision '{name}'; use fp32 or fp16.", nameof(name)),
    };
}

namespace Jasper.Embeddings.Numerics;

/// <summary>The element types a checkpoint or a converted model may store.</summary>
public enum TensorDType
{
    /// <summary>IEEE 754 single precision.</summary>
    Float32,

    /// <summary>IEEE 754 half precision.</summary>
    Float16,

    /// <summary>bfloat16: the upper 16 bits of a float32.</summary>
    BFloat16,
}

/// <summary>Names and sizes of <see cref="TensorDType"/> values.</summary>
internal static class TensorDTypes
{
    /// <summary>Bytes per element.</summary>
    public static int SizeOf(this TensorDType dtype) => dtype switch
    {
        TensorDType.Float32 => 4,
        TensorDType.Float16 or TensorDType.BFloat16 => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>The safetensors spelling ("F32", "F16", "BF16").</summary>
    public static string ToSafeTensorsName(this TensorDType dtype) => dtype switch
    {
        TensorDType.Float32 => "F32",
        TensorDType.Float16 => "F16",
        TensorDType.BFloat16 => "BF16",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>Parses a safetensors dtype name; other element types are not model weights we can read.</summary>
    public static TensorDType ParseSafeTensorsName(string name) => name switch
    {
        "F32" => TensorDType.Float32,
        "F16" => TensorDType.Float16,
        "BF16" => TensorDType.BFloat16,
        _ => throw new NotSupportedException(
            $"Tensor element type '{name}' is not supported; checkpoints must store F32, F16 or BF16 weights."),
    };
}

using Jasper.Embeddings.Numerics;

namespace Jasper.Embeddings.Checkpoints;

/// <summary>Where one tensor lives inside a safetensors file.</summary>
/// <param name="Name">Tensor name as stored.</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions, outermost first.</param>
/// <param name="FilePath">The safetensors file holding it.</param>
/// <param name="Offset">Absolute byte offset of its data in the file.</param>
/// <param name="ByteLength">Length of its data in bytes.</param>
internal sealed record SafeTensorInfo(string Name, TensorDType DType, long[] Shape, string FilePath, long Offset, long ByteLength)
{
    /// <summary>Number of elements.</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}

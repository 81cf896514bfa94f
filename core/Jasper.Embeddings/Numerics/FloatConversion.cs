using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Jasper.Embeddings.Numerics;

/// <summary>
/// Conversions between little-endian tensor bytes and float32. bfloat16 rounds to nearest even, as PyTorch does,
/// so a checkpoint written from float32 values reads back exactly as torch would store it.
/// </summary>
internal static class FloatConversion
{
    /// <summary>Decodes <paramref name="source"/> (elements of <paramref name="dtype"/>) into float32 values.</summary>
    public static void ToFloat32(ReadOnlySpan<byte> source, TensorDType dtype, Span<float> destination)
    {
        switch (dtype)
        {
            case TensorDType.Float32:
                CheckLength(source.Length, destination.Length, 4);
                if (BitConverter.IsLittleEndian)
                {
                    MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                }
                else
                {
                    for (int i = 0; i < destination.Length; i++)
                    {
                        destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(i * 4)..]);
                    }
                }

                break;
            case TensorDType.Float16:
                CheckLength(source.Length, destination.Length, 2);
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(source[(i * 2)..]));
                }

                break;
            case TensorDType.BFloat16:
                CheckLength(source.Length, destination.Length, 2);
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BFloat16ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source[(i * 2)..]));
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null);
        }
    }

    /// <summary>Encodes float32 values as little-endian elements of <paramref name="dtype"/>.</summary>
    public static void FromFloat32(ReadOnlySpan<float> source, TensorDType dtype, Span<byte> destination)
    {
        CheckLength(destination.Length, source.Length, dtype.SizeOf());
        switch (dtype)
        {
            case TensorDType.Float32:
                if (BitConverter.IsLittleEndian)
                {
                    MemoryMarshal.AsBytes(source).CopyTo(destination);
                }
                else
                {
                    for (int i = 0; i < source.Length; i++)
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(destination[(i * 4)..], source[i]);
                    }
                }

                break;
            case TensorDType.Float16:
                for (int i = 0; i < source.Length; i++)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(destination[(i * 2)..], BitConverter.HalfToUInt16Bits((Half)source[i]));
                }

                break;
            case TensorDType.BFloat16:
                for (int i = 0; i < source.Length; i++)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(destination[(i * 2)..], SingleToBFloat16(source[i]));
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null);
        }
    }

    /// <summary>Widens bfloat16 bits to float32 (exact).</summary>
    public static float BFloat16ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    /// <summary>Narrows float32 to bfloat16 bits, rounding to nearest even; NaN stays NaN.</summary>
    public static ushort SingleToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x0040);
        }

        uint roundingBias = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }

    private static void CheckLength(int byteLength, int elementCount, int elementSize)
    {
        if ((long)elementCount * elementSize != byteLength)
        {
            throw new ArgumentException(
                $"{byteLength} bytes do not hold {elementCount} elements of {elementSize} bytes.");
        }
    }
}

namespace Jasper.Embeddings.Numerics;

/// <summary>
/// Symmetric block quantization of float32 rows into the layout of ONNX Runtime's <c>MatMulNBits</c>: each row is
/// cut into blocks along its length, each block gets one scale (its largest magnitude over the largest code), and
/// codes are stored unsigned with the operator's default zero point (2^(bits-1)), so no zero points are stored.
/// 4-bit codes pack two to a byte, the first in the low nibble.
/// </summary>
internal sealed class BlockQuantizer
{
    /// <summary>Creates a quantizer for <paramref name="bits"/> (4 or 8) and an even block size.</summary>
    public BlockQuantizer(int bits, int blockSize)
    {
        if (bits is not (4 or 8))
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "Only 4- and 8-bit codes are supported.");
        }

        if (blockSize < 2 || blockSize % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize, "The block size must be even and at least 2.");
        }

        Bits = bits;
        BlockSize = blockSize;
    }

    /// <summary>Bits per code.</summary>
    public int Bits { get; }

    /// <summary>Values per block (one scale each).</summary>
    public int BlockSize { get; }

    /// <summary>Bytes one block's codes take.</summary>
    public int BlockBytes => BlockSize * Bits / 8;

    // Symmetric ranges leave the most negative code unused, so that zero is exact and the scale is the same for
    // both signs.
    private int MaxCode => (1 << (Bits - 1)) - 1;

    /// <summary>The code of zero (2^(bits-1)), which <c>MatMulNBits</c> assumes when no zero points are given.</summary>
    public int ZeroPoint => 1 << (Bits - 1);

    /// <summary>Blocks per row of <paramref name="length"/> values (the last block is zero-padded).</summary>
    public int BlocksPerRow(int length) => (length + BlockSize - 1) / BlockSize;

    /// <summary>
    /// Quantizes rows of <paramref name="columns"/> values into <paramref name="codes"/>
    /// ([rows, blocks, block bytes]) and <paramref name="scales"/> ([rows, blocks]).
    /// </summary>
    public void Quantize(ReadOnlySpan<float> values, int columns, Span<byte> codes, Span<float> scales)
    {
        int rows = values.Length / columns;
        int blocks = BlocksPerRow(columns);
        if (values.Length != rows * columns || codes.Length != rows * blocks * BlockBytes || scales.Length != rows * blocks)
        {
            throw new ArgumentException("Buffer sizes do not match the rows and columns.");
        }

        Span<int> block = stackalloc int[BlockSize];
        for (int row = 0; row < rows; row++)
        {
            var rowValues = values.Slice(row * columns, columns);
            for (int b = 0; b < blocks; b++)
            {
                var chunk = rowValues[(b * BlockSize)..Math.Min((b + 1) * BlockSize, columns)];
                float scale = QuantizeBlock(chunk, block);
                scales[(row * blocks) + b] = scale;
                Pack(block, codes.Slice(((row * blocks) + b) * BlockBytes, BlockBytes));
            }
        }
    }

    private float QuantizeBlock(ReadOnlySpan<float> chunk, Span<int> codes)
    {
        float largest = 0f;
        foreach (float v in chunk)
        {
            largest = MathF.Max(largest, MathF.Abs(v));
        }

        float scale = largest / MaxCode;
        float inverse = scale == 0f ? 0f : 1f / scale;
        codes.Fill(ZeroPoint);
        for (int i = 0; i < chunk.Length; i++)
        {
            int q = (int)MathF.Round(chunk[i] * inverse, MidpointRounding.AwayFromZero);
            codes[i] = Math.Clamp(q, -MaxCode, MaxCode) + ZeroPoint;
        }

        return scale;
    }

    private void Pack(ReadOnlySpan<int> codes, Span<byte> destination)
    {
        if (Bits == 8)
        {
            for (int i = 0; i < codes.Length; i++)
            {
                destination[i] = (byte)codes[i];
            }

            return;
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (byte)(codes[2 * i] | (codes[(2 * i) + 1] << 4));
        }
    }
}

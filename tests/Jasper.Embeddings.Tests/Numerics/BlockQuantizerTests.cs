using Jasper.Embeddings.Numerics;

namespace Jasper.Embeddings.Tests.Numerics;

public sealed class BlockQuantizerTests
{
    [Theory]
    [InlineData(8, 128)]
    [InlineData(8, 32)]
    [InlineData(4, 32)]
    [InlineData(4, 16)]
    public void Dequantized_values_lie_within_half_a_step_of_the_originals(int bits, int blockSize)
    {
        var quantizer = new BlockQuantizer(bits, blockSize);
        const int Rows = 3;
        const int Columns = 200; // not a multiple of the block: the last block is padded
        var values = new float[Rows * Columns];
        var random = new Random(5);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() - 0.5) * (1 + (i % 7)));
        }

        int blocks = quantizer.BlocksPerRow(Columns);
        var codes = new byte[Rows * blocks * quantizer.BlockBytes];
        var scales = new float[Rows * blocks];
        quantizer.Quantize(values, Columns, codes, scales);

        for (int row = 0; row < Rows; row++)
        {
            for (int column = 0; column < Columns; column++)
            {
                int block = (row * blocks) + (column / blockSize);
                float scale = scales[block];
                float restored = (Code(codes, quantizer, block, column % blockSize) - quantizer.ZeroPoint) * scale;
                Assert.InRange(restored - values[(row * Columns) + column], (-scale / 2) - 1e-6f, (scale / 2) + 1e-6f);
            }
        }
    }

    [Fact]
    public void Four_bit_codes_pack_the_first_value_in_the_low_nibble()
    {
        var quantizer = new BlockQuantizer(4, 16);
        var values = new float[16];
        values[0] = 7f;  // the largest magnitude: scale 1, code 7 + 8 = 15
        values[1] = -7f; // code -7 + 8 = 1
        var codes = new byte[8];
        var scales = new float[1];
        quantizer.Quantize(values, 16, codes, scales);
        Assert.Equal(1f, scales[0]);
        Assert.Equal(0x1F, codes[0]);
        Assert.All(codes[1..], b => Assert.Equal(0x88, b)); // zeros are the zero point in both nibbles
    }

    [Fact]
    public void An_all_zero_block_has_scale_zero_and_zero_point_codes()
    {
        var quantizer = new BlockQuantizer(8, 16);
        var codes = new byte[16];
        var scales = new float[] { float.NaN };
        quantizer.Quantize(new float[16], 16, codes, scales);
        Assert.Equal(0f, scales[0]);
        Assert.All(codes, c => Assert.Equal(128, c));
    }

    [Theory]
    [InlineData(3, 32)]
    [InlineData(8, 0)]
    [InlineData(8, 7)]
    public void Unsupported_shapes_are_refused(int bits, int blockSize) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BlockQuantizer(bits, blockSize));

    private static int Code(byte[] codes, BlockQuantizer quantizer, int block, int index)
    {
        int offset = block * quantizer.BlockBytes;
        return quantizer.Bits == 8 ? codes[offset + index] : (codes[offset + (index / 2)] >> (index % 2 == 0 ? 0 : 4)) & 0xF;
    }
}

using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Jasper.Embeddings.Numerics;

namespace Jasper.Embeddings.Checkpoints;

/// <summary>
/// Writes a safetensors file tensor by tensor: the header is computed from the shapes first, then each tensor's
/// values are produced in chunks by a callback, so no whole model is ever held in memory.
/// </summary>
internal static class SafeTensorsWriter
{
    /// <summary>Produces values <c>[start, start + destination.Length)</c> of a tensor, in row-major order.</summary>
    public delegate void FillChunk(long start, Span<float> destination);

    /// <summary>One tensor to write.</summary>
    /// <param name="Name">Tensor name.</param>
    /// <param name="Shape">Dimensions.</param>
    /// <param name="Fill">Source of its values.</param>
    public sealed record TensorSource(string Name, long[] Shape, FillChunk Fill)
    {
        /// <summary>Number of elements.</summary>
        public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
    }

    /// <summary>Writes <paramref name="tensors"/> to <paramref name="path"/> as <paramref name="dtype"/>.</summary>
    public static void Write(string path, IReadOnlyList<TensorSource> tensors, TensorDType dtype)
    {
        byte[] header = BuildHeader(tensors, dtype);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(prefix, header.Length);
        stream.Write(prefix);
        stream.Write(header);

        const int ChunkElements = 1 << 20;
        var values = new float[ChunkElements];
        var bytes = new byte[ChunkElements * dtype.SizeOf()];
        foreach (var tensor in tensors)
        {
            for (long start = 0; start < tensor.ElementCount; start += ChunkElements)
            {
                int count = (int)Math.Min(ChunkElements, tensor.ElementCount - start);
                tensor.Fill(start, values.AsSpan(0, count));
                int byteCount = count * dtype.SizeOf();
                FloatConversion.FromFloat32(values.AsSpan(0, count), dtype, bytes.AsSpan(0, byteCount));
                stream.Write(bytes, 0, byteCount);
            }
        }
    }

    private static byte[] BuildHeader(IReadOnlyList<TensorSource> tensors, TensorDType dtype)
    {
        var json = new JsonObject { ["__metadata__"] = new JsonObject { ["format"] = "pt" } };
        long offset = 0;
        foreach (var tensor in tensors)
        {
            long length = tensor.ElementCount * dtype.SizeOf();
            json[tensor.Name] = new JsonObject
            {
                ["dtype"] = dtype.ToSafeTensorsName(),
                ["shape"] = new JsonArray(tensor.Shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + length),
            };
            offset += length;
        }

        // The format asks for the header to be padded with spaces to a multiple of 8 bytes.
        byte[] text = Encoding.UTF8.GetBytes(json.ToJsonString());
        var padded = new byte[(text.Length + 7) / 8 * 8];
        padded.AsSpan().Fill((byte)' ');
        text.CopyTo(padded, 0);
        return padded;
    }
}

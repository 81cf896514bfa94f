using System.Buffers.Binary;
using System.Text.Json;
using Jasper.Embeddings.Numerics;

namespace Jasper.Embeddings.Checkpoints;

/// <summary>
/// Reads the header of a safetensors file: an 8-byte little-endian header length, a JSON table of tensors, then
/// their raw bytes. Only the header is read here; tensor data is read on demand by <see cref="Checkpoint"/>.
/// </summary>
internal static class SafeTensorsFile
{
    // A header larger than this is not a real checkpoint (the format caps it at 100 MB).
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    /// <summary>Lists the tensors of one file.</summary>
    public static IReadOnlyList<SafeTensorInfo> ReadHeader(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
        Span<byte> prefix = stackalloc byte[8];
        if (stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) != 8)
        {
            throw new CheckpointFormatException($"{path} is too short to be a safetensors file.");
        }

        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(prefix);
        if (headerLength <= 0 || headerLength > MaxHeaderBytes || 8 + headerLength > stream.Length)
        {
            throw new CheckpointFormatException($"{path} has an invalid safetensors header length ({headerLength}).");
        }

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataStart = 8 + headerLength;
        return Parse(header, path, dataStart, stream.Length);
    }

    private static List<SafeTensorInfo> Parse(byte[] header, string path, long dataStart, long fileLength)
    {
        var tensors = new List<SafeTensorInfo>();
        try
        {
            using var doc = JsonDocument.Parse(header);
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    continue;
                }

                var dtype = TensorDTypes.ParseSafeTensorsName(entry.Value.GetProperty("dtype").GetString()!);
                long[] shape = entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                var offsets = entry.Value.GetProperty("data_offsets");
                long begin = offsets[0].GetInt64();
                long end = offsets[1].GetInt64();
                var info = new SafeTensorInfo(entry.Name, dtype, shape, path, dataStart + begin, end - begin);
                if (begin < 0 || end < begin || info.ElementCount * dtype.SizeOf() != end - begin || dataStart + end > fileLength)
                {
                    throw new CheckpointFormatException($"{path}: tensor '{entry.Name}' has inconsistent offsets or shape.");
                }

                tensors.Add(info);
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new CheckpointFormatException($"{path} has a malformed safetensors header: {ex.Message}", ex);
        }

        return tensors;
    }
}

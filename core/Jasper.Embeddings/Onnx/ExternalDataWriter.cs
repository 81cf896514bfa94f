using System.Buffers;
using Jasper.Embeddings.Numerics;

namespace Jasper.Embeddings.Onnx;

/// <summary>
/// Appends initializer bytes to the external data file beside an ONNX graph. Each tensor starts on a page
/// boundary, as the ONNX specification recommends, so that runtimes can map weights instead of copying them.
/// Values are converted to their stored element type in chunks, so writing needs no second full-size copy.
/// </summary>
internal sealed class ExternalDataWriter : IDisposable
{
    /// <summary>Alignment of every tensor in the file.</summary>
    public const int Alignment = 4096;

    private const int ChunkElements = 1 << 20;
    private readonly FileStream _stream;

    /// <summary>Creates (or replaces) the data file.</summary>
    public ExternalDataWriter(string path)
    {
        Path = path;
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
    }

    /// <summary>Full path of the data file.</summary>
    public string Path { get; }

    /// <summary>File name to put into the graph's <c>location</c> entries (relative to the graph).</summary>
    public string Location => System.IO.Path.GetFileName(Path);

    /// <summary>Bytes written so far, padding included.</summary>
    public long Length => _stream.Length;

    /// <summary>Writes one tensor as <paramref name="dtype"/> and returns where it lies.</summary>
    public (long Offset, long Length) Append(ReadOnlySpan<float> values, TensorDType dtype)
    {
        Pad();
        long offset = _stream.Position;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkElements * dtype.SizeOf());
        try
        {
            for (int start = 0; start < values.Length; start += ChunkElements)
            {
                var chunk = values.Slice(start, Math.Min(ChunkElements, values.Length - start));
                var bytes = buffer.AsSpan(0, chunk.Length * dtype.SizeOf());
                FloatConversion.FromFloat32(chunk, dtype, bytes);
                _stream.Write(bytes);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return (offset, _stream.Position - offset);
    }

    /// <summary>Writes raw tensor bytes (quantized codes) and returns where they lie.</summary>
    public (long Offset, long Length) Append(ReadOnlySpan<byte> bytes)
    {
        Pad();
        long offset = _stream.Position;
        _stream.Write(bytes);
        return (offset, bytes.Length);
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();

    private void Pad()
    {
        long padding = (Alignment - (_stream.Position % Alignment)) % Alignment;
        Span<byte> zeros = stackalloc byte[256];
        zeros.Clear();
        for (long left = padding; left > 0; left -= zeros.Length)
        {
            _stream.Write(zeros[..(int)Math.Min(left, zeros.Length)]);
        }
    }
}

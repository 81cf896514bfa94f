using Jasper.Embeddings.Checkpoints;
using Jasper.Embeddings.Numerics;
using Jasper.Embeddings.Onnx;
using DataType = Jasper.Embeddings.Onnx.Proto.TensorProto.Types.DataType;

namespace Jasper.Embeddings.Conversion;

/// <summary>
/// Streams checkpoint tensors into the graph: each is read, transposed for MatMul when it is a linear weight,
/// converted to its stored precision and appended to the external data file before the next is read. Two scratch
/// buffers serve every tensor, so peak memory is about the largest tensor (the embedding table) rather than the
/// model, and no garbage piles up between tensors.
/// </summary>
internal sealed class CheckpointWeightWriter : IWeightSource
{
    // Vectors up to this size stay inside the graph file; everything larger goes to the data file.
    private const int InlineLimitElements = 16 * 1024;

    private readonly Checkpoint _checkpoint;
    private readonly OnnxGraphBuilder _graph;
    private readonly ExternalDataWriter _data;
    private readonly Action<string>? _onTensor;
    private float[] _values = [];
    private float[] _transposed = [];
    private float[] _scales = [];
    private byte[] _codes = [];

    public CheckpointWeightWriter(Checkpoint checkpoint, OnnxGraphBuilder graph, ExternalDataWriter data, Action<string>? onTensor)
    {
        _checkpoint = checkpoint;
        _graph = graph;
        _data = data;
        _onTensor = onTensor;
    }

    public bool Has(string name) => _checkpoint.Find(name) is not null;

    public string Linear(string name, long outFeatures, long inFeatures, TensorDType dtype)
    {
        var weight = Read(name, outFeatures, inFeatures);
        var transposed = Scratch(ref _transposed, weight.Length);
        Transpose(weight, transposed, (int)outFeatures, (int)inFeatures);
        return Store(name, transposed, [inFeatures, outFeatures], dtype);
    }

    public (string Codes, string Scales) QuantizedLinear(string name, long outFeatures, long inFeatures, BlockQuantizer quantizer)
    {
        // torch stores Linear weights [out, in], which is MatMulNBits' layout already: no transpose.
        int blocks = quantizer.BlocksPerRow(checked((int)inFeatures));
        return StoreQuantized(name, Read(name, outFeatures, inFeatures), quantizer, [outFeatures, blocks, quantizer.BlockBytes], [outFeatures * blocks]);
    }

    public (string Codes, string Scales) QuantizedEmbedding(string name, long vocab, long hidden, BlockQuantizer rowQuantizer) =>
        StoreQuantized(name, Read(name, vocab, hidden), rowQuantizer, [vocab, hidden], [vocab]);

    public string Vector(string name, long size) => Store(name, Read(name, size), [size], TensorDType.Float32);

    public string Embedding(string name, long vocab, long hidden, TensorDType dtype) =>
        Store(name, Read(name, vocab, hidden), [vocab, hidden], dtype);

    private static Span<T> Scratch<T>(ref T[] buffer, long length)
    {
        if (buffer.Length < length)
        {
            buffer = new T[length];
        }

        return buffer.AsSpan(0, checked((int)length));
    }

    private (string Codes, string Scales) StoreQuantized(string name, ReadOnlySpan<float> values, BlockQuantizer quantizer, long[] codeDims, long[] scaleDims)
    {
        var codes = Scratch(ref _codes, codeDims.Aggregate(1L, (a, b) => a * b));
        var scales = Scratch(ref _scales, scaleDims[0]);
        quantizer.Quantize(values, checked((int)(values.Length / codeDims[0])), codes, scales);
        return (StoreBytes(name, codes, codeDims), Store(name + ".scales", scales, scaleDims, TensorDType.Float32));
    }

    // Every checkpoint tensor is read exactly once, so this is where progress is reported, whatever it is stored as
    // (a quantized weight becomes two initializers).
    private Span<float> Read(string name, params long[] shape)
    {
        _onTensor?.Invoke(name);
        return _checkpoint.ReadFloat32(name, Scratch(ref _values, shape.Aggregate(1L, (a, b) => a * b)), shape);
    }

    private string Store(string name, ReadOnlySpan<float> values, long[] dims, TensorDType dtype)
    {
        if (values.Length <= InlineLimitElements)
        {
            return _graph.InlineInitializer(name, values, dims, dtype);
        }

        var (offset, length) = _data.Append(values, dtype);
        return _graph.ExternalInitializer(name, OnnxGraphBuilder.ElementType(dtype), dims, _data.Location, offset, length);
    }

    private string StoreBytes(string name, ReadOnlySpan<byte> codes, long[] dims)
    {
        var (offset, length) = _data.Append(codes);
        return _graph.ExternalInitializer(name, DataType.Uint8, dims, _data.Location, offset, length);
    }

    // Cache-blocked transpose of a row-major [rows, cols] matrix into [cols, rows].
    private static void Transpose(ReadOnlySpan<float> source, Span<float> result, int rows, int cols)
    {
        const int Block = 64;
        for (int r0 = 0; r0 < rows; r0 += Block)
        {
            for (int c0 = 0; c0 < cols; c0 += Block)
            {
                int rEnd = Math.Min(r0 + Block, rows);
                int cEnd = Math.Min(c0 + Block, cols);
                for (int r = r0; r < rEnd; r++)
                {
                    for (int c = c0; c < cEnd; c++)
                    {
                        result[(c * rows) + r] = source[(r * cols) + c]; // a linear weight is far below 2^31 elements
                    }
                }
            }
        }
    }
}

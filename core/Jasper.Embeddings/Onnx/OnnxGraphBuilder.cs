using Google.Protobuf;
using Jasper.Embeddings.Numerics;
using Jasper.Embeddings.Onnx.Proto;
using DataType = Jasper.Embeddings.Onnx.Proto.TensorProto.Types.DataType;

namespace Jasper.Embeddings.Onnx;

/// <summary>
/// Accumulates the nodes, initializers and signature of one ONNX graph. Node outputs get unique generated names
/// unless a name is given; small constants are deduplicated so repeated shapes share one initializer.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph = new();
    private readonly Dictionary<string, string> _constants = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _counter;

    public OnnxGraphBuilder(string name) => _graph.Name = name;

    /// <summary>Number of nodes so far.</summary>
    public int NodeCount => _graph.Node.Count;

    /// <summary>Declares a graph input.</summary>
    public string Input(string name, DataType type, params OnnxDimension[] dims)
    {
        _graph.Input.Add(ValueInfo(name, type, dims));
        Claim(name);
        return name;
    }

    /// <summary>Declares a graph output; a node must produce a value of that name.</summary>
    public void Output(string name, DataType type, params OnnxDimension[] dims) =>
        _graph.Output.Add(ValueInfo(name, type, dims));

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    public string Node(string opType, IReadOnlyList<string> inputs, IEnumerable<AttributeProto>? attributes = null, string? output = null, string domain = "")
        => Node(opType, inputs, 1, attributes, output is null ? null : [output], domain)[0];

    /// <summary>Adds a node with several outputs.</summary>
    public string[] Node(string opType, IReadOnlyList<string> inputs, int outputCount, IEnumerable<AttributeProto>? attributes = null, string[]? outputs = null, string domain = "")
    {
        outputs ??= Enumerable.Range(0, outputCount).Select(_ => Fresh(opType)).ToArray();
        foreach (string output in outputs)
        {
            Claim(output);
        }

        var node = new NodeProto { OpType = opType, Domain = domain, Name = $"{opType}_{_graph.Node.Count}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        if (attributes is not null)
        {
            node.Attribute.AddRange(attributes);
        }

        _graph.Node.Add(node);
        return outputs;
    }

    /// <summary>An int64 constant (a shape, an axis list, an index), shared between uses.</summary>
    public string Int64(params long[] values) => Int64Tensor(values, values.Length == 1 ? [] : [values.Length]);

    /// <summary>An int64 constant of a given shape ([] for a scalar).</summary>
    public string Int64Tensor(long[] values, long[] dims)
    {
        string key = $"i64:{string.Join(',', dims)}:{string.Join(',', values)}";
        return Constant(key, () =>
        {
            var tensor = new TensorProto { DataType = (int)DataType.Int64 };
            tensor.Dims.AddRange(dims);
            tensor.Int64Data.AddRange(values);
            return tensor;
        });
    }

    /// <summary>A float32 constant of a given shape ([] for a scalar).</summary>
    public string Float32Tensor(float[] values, long[] dims)
    {
        string key = $"f32:{string.Join(',', dims)}:{string.Join(',', values.Select(v => BitConverter.SingleToInt32Bits(v)))}";
        return Constant(key, () =>
        {
            var tensor = new TensorProto { DataType = (int)DataType.Float };
            tensor.Dims.AddRange(dims);
            tensor.FloatData.AddRange(values);
            return tensor;
        });
    }

    /// <summary>A float32 scalar constant.</summary>
    public string Float32(float value) => Float32Tensor([value], []);

    /// <summary>Registers a weight whose bytes live in the external data file.</summary>
    public string ExternalInitializer(string name, DataType type, long[] dims, string location, long offset, long length)
    {
        Claim(name);
        var tensor = new TensorProto { Name = name, DataType = (int)type, DataLocation = TensorProto.Types.DataLocation.External };
        tensor.Dims.AddRange(dims);
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>The ONNX element type that stores <paramref name="dtype"/> weights (float32 or float16).</summary>
    public static DataType ElementType(TensorDType dtype) => dtype switch
    {
        TensorDType.Float32 => DataType.Float,
        TensorDType.Float16 => DataType.Float16,
        _ => throw new NotSupportedException($"Cannot store weights as {dtype}."),
    };

    /// <summary>Registers float32 values stored inside the graph as <paramref name="dtype"/>.</summary>
    public string InlineInitializer(string name, ReadOnlySpan<float> values, long[] dims, TensorDType dtype)
    {
        var bytes = new byte[values.Length * dtype.SizeOf()];
        FloatConversion.FromFloat32(values, dtype, bytes);
        return InlineInitializer(name, ElementType(dtype), dims, bytes);
    }

    /// <summary>Registers a weight stored inside the graph itself.</summary>
    public string InlineInitializer(string name, DataType type, long[] dims, ReadOnlySpan<byte> data)
    {
        Claim(name);
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(data) };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Wraps the graph in a model with the given operator sets and metadata.</summary>
    public ModelProto Build(long irVersion, IEnumerable<(string Domain, long Version)> opsets, IReadOnlyDictionary<string, string> metadata, string producerVersion)
    {
        var model = new ModelProto
        {
            IrVersion = irVersion,
            ProducerName = "jasper",
            ProducerVersion = producerVersion,
            Graph = _graph,
        };
        model.OpsetImport.AddRange(opsets.Select(o => new OperatorSetIdProto { Domain = o.Domain, Version = o.Version }));
        model.MetadataProps.AddRange(metadata.Select(m => new StringStringEntryProto { Key = m.Key, Value = m.Value }));
        return model;
    }

    private string Constant(string key, Func<TensorProto> create)
    {
        if (_constants.TryGetValue(key, out string? existing))
        {
            return existing;
        }

        string name = Fresh("const");
        Claim(name);
        var tensor = create();
        tensor.Name = name;
        _graph.Initializer.Add(tensor);
        _constants[key] = name;
        return name;
    }

    private string Fresh(string stem)
    {
        string name;
        do
        {
            name = $"{stem.ToLowerInvariant()}_{_counter++}";
        }
        while (_names.Contains(name));

        return name;
    }

    private void Claim(string name)
    {
        if (!_names.Add(name))
        {
            throw new InvalidOperationException($"Graph value '{name}' is defined twice.");
        }
    }

    private static ValueInfoProto ValueInfo(string name, DataType type, OnnxDimension[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim.Symbol is string symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = dim.Size!.Value });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}

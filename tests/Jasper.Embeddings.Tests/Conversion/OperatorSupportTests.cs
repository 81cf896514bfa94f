using System.Text.Json;
using Jasper.Embeddings.Onnx.Proto;
using Jasper.TestSupport;
using Xunit.Abstractions;
using DataType = Jasper.Embeddings.Onnx.Proto.TensorProto.Types.DataType;

namespace Jasper.Embeddings.Tests.Conversion;

/// <summary>
/// The fp32 and fp16 graphs (fp16 in both attentions), node by node, against the CUDA and DirectML kernel lists of
/// ONNX Runtime's OperatorKernels.md (tests/fixtures/ort-operator-kernels.json): every operator, the contrib
/// GroupQueryAttention included, must have a kernel for its domain's opset on both providers that takes the element
/// type the node is fed, so no node falls back to the CPU on a GPU.
/// </summary>
[Collection(TinyModelGroup.Name)]
public sealed class OperatorSupportTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> Cases => new()
    {
        { "fp16", "CUDAExecutionProvider" },
        { "fp16", "DmlExecutionProvider" },
        { "fp16-explicit", "CUDAExecutionProvider" },
        { "fp16-explicit", "DmlExecutionProvider" },
        { "fp32", "CUDAExecutionProvider" },
        { "fp32", "DmlExecutionProvider" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_node_has_a_kernel_on_the_provider(string precision, string provider)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(TinyModels.Model(precision), "model.onnx")));
        var problems = Check(model, provider);
        output.WriteLine($"{precision} on {provider}: {model.Graph.Node.Count} nodes, {model.Graph.Node.Select(n => n.OpType).Distinct().Count()} operator types, {problems.Count} problems");
        Assert.Empty(problems);
    }

    [Fact]
    public void The_fp16_graph_uses_the_fused_attention_kernel()
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(TinyModels.Fp16, "model.onnx")));
        Assert.Contains(model.Graph.Node, n => n.Domain == "com.microsoft" && n.OpType == "GroupQueryAttention");
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "Softmax");
    }

    [Fact]
    public void The_check_rejects_what_a_provider_lacks()
    {
        var graph = new GraphProto();
        graph.Input.Add(Input("ids", DataType.Int64));
        graph.Node.Add(Node("MatMul", ["ids", "ids"], "product"));         // no integer MatMul kernel on either
        graph.Node.Add(Node("Erf", ["ids"], "erf"));                       // not in the list at all
        graph.Input.Add(Input("q", DataType.Float));
        var fused = Node("GroupQueryAttention", ["q", "q", "q"], "attention");
        fused.Domain = "com.microsoft";                                     // float32: DirectML has it, CUDA does not
        graph.Node.Add(fused);
        var model = new ModelProto { Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 17 });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });

        Assert.Equal(2, Check(model, "DmlExecutionProvider").Count);
        var problems = Check(model, "CUDAExecutionProvider");
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("GroupQueryAttention", StringComparison.Ordinal) && p.Contains("float", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Erf", StringComparison.Ordinal));
        problems = Check(model, "DmlExecutionProvider");
        Assert.Contains(problems, p => p.Contains("MatMul", StringComparison.Ordinal) && p.Contains("int64", StringComparison.Ordinal));
    }

    private static List<string> Check(ModelProto model, string provider)
    {
        using var list = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "ort-operator-kernels.json")));
        long onnxOpset = list.RootElement.GetProperty("opset").GetInt64();
        Assert.Equal(onnxOpset, model.OpsetImport.Single(o => o.Domain.Length == 0).Version);
        var kernels = list.RootElement.GetProperty("providers").GetProperty(provider);
        var types = ElementTypes(model.Graph);
        var problems = new List<string>();
        foreach (var node in model.Graph.Node)
        {
            // Contrib operators are listed as "domain.Op" and versioned by their own domain's opset.
            string key = node.Domain.Length == 0 ? node.OpType : $"{node.Domain}.{node.OpType}";
            long opset = node.Domain.Length == 0 ? onnxOpset : model.OpsetImport.Single(o => o.Domain == node.Domain).Version;
            if (!kernels.TryGetProperty(key, out var kernel))
            {
                problems.Add($"{node.Name}: no {key} kernel on {provider}");
                continue;
            }

            long from = kernel.GetProperty("from").GetInt64();
            long? to = kernel.GetProperty("to").ValueKind == JsonValueKind.Null ? null : kernel.GetProperty("to").GetInt64();
            var accepted = kernel.GetProperty("types").EnumerateArray().Select(t => t.GetString()).ToHashSet();
            if (opset < from || opset > to)
            {
                problems.Add($"{node.Name}: {node.OpType} kernel covers opsets {from}-{to?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "now"}, not {opset}");
            }

            foreach (var type in TypesChecked(node, types).Where(t => !accepted.Contains(t)))
            {
                problems.Add($"{node.Name}: {node.OpType} on {provider} takes no {type}");
            }
        }

        return problems;
    }

    // The element types of the node's main type constraint: T for most, the data of Where, both sides of Cast.
    private static IEnumerable<string> TypesChecked(NodeProto node, Dictionary<string, DataType> types) => node.OpType switch
    {
        "Where" => [Name(types[node.Input[1]])],
        "Cast" => [Name(types[node.Input[0]]), Name((DataType)node.Attribute.Single(a => a.Name == "to").I)],
        _ => [Name(types[node.Input[0]])],
    };

    // Element type of every value, propagated in node order (graphs are topologically sorted).
    private static Dictionary<string, DataType> ElementTypes(GraphProto graph)
    {
        var types = new Dictionary<string, DataType>(StringComparer.Ordinal);
        foreach (var input in graph.Input)
        {
            types[input.Name] = (DataType)input.Type.TensorType.ElemType;
        }

        foreach (var initializer in graph.Initializer)
        {
            types[initializer.Name] = (DataType)initializer.DataType;
        }

        foreach (var node in graph.Node)
        {
            types[node.Output[0]] = node.OpType switch
            {
                "Cast" => (DataType)node.Attribute.Single(a => a.Name == "to").I,
                "Shape" => DataType.Int64,
                "Greater" or "GreaterOrEqual" or "Less" or "LessOrEqual" or "Equal" or "And" => DataType.Bool,
                "Where" => types[node.Input[1]],
                _ => types[node.Input[0]],
            };
        }

        return types;
    }

    private static string Name(DataType type) => type switch
    {
        DataType.Float => "float",
        DataType.Float16 => "float16",
        DataType.Bfloat16 => "bfloat16",
        DataType.Double => "double",
        DataType.Bool => "bool",
        _ => type.ToString().ToLowerInvariant(),
    };

    private static ValueInfoProto Input(string name, DataType type) =>
        new() { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type } } };

    private static NodeProto Node(string op, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = op, Name = op };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }
}

using DataType = Jasper.Embeddings.Onnx.Proto.TensorProto.Types.DataType;

namespace Jasper.Embeddings.Onnx;

/// <summary>The standard ONNX operators (opset 17) the Jasper graph is built from, one method each.</summary>
internal static class OnnxOperators
{
    public static string MatMul(this OnnxGraphBuilder g, string a, string b) => g.Node("MatMul", [a, b]);

    /// <summary>
    /// ONNX Runtime's <c>MatMulNBits</c> (com.microsoft): <paramref name="a"/> [.., k] times a block-quantized
    /// weight given as codes [n, blocks, block bytes] and scales [n × blocks].
    /// </summary>
    public static string MatMulNBits(this OnnxGraphBuilder g, string a, string codes, string scales, long k, long n, int bits, int blockSize, long accuracyLevel) =>
        g.Node("MatMulNBits", [a, codes, scales],
        [
            OnnxAttribute.Int("K", k),
            OnnxAttribute.Int("N", n),
            OnnxAttribute.Int("bits", bits),
            OnnxAttribute.Int("block_size", blockSize),
            OnnxAttribute.Int("accuracy_level", accuracyLevel),
        ], domain: "com.microsoft");

    /// <summary>
    /// ONNX Runtime's <c>GroupQueryAttention</c> (com.microsoft) without a cache: queries [b, s, heads × d] and
    /// keys/values [b, s, kv heads × d], causal, each row's valid length in <paramref name="seqlensK"/> (int32, length
    /// − 1) and the padded length in <paramref name="totalLength"/> (int32). With <paramref name="cosCache"/> and
    /// <paramref name="sinCache"/> [s, d / 2] it applies the rotary embedding (non-interleaved) at positions 0..s-1.
    /// The present key and value outputs are required by the schema and unused.
    /// </summary>
    public static string GroupQueryAttention(this OnnxGraphBuilder g, string q, string k, string v, string seqlensK, string totalLength, string cosCache, string sinCache, int heads, int kvHeads) =>
        g.Node("GroupQueryAttention", [q, k, v, string.Empty, string.Empty, seqlensK, totalLength, cosCache, sinCache], 3,
        [
            OnnxAttribute.Int("num_heads", heads),
            OnnxAttribute.Int("kv_num_heads", kvHeads),
            OnnxAttribute.Int("do_rotary", 1),
            OnnxAttribute.Int("rotary_interleaved", 0),
        ], domain: "com.microsoft")[0];

    public static string Add(this OnnxGraphBuilder g, string a, string b, string? output = null) => g.Node("Add", [a, b], output: output);

    public static string Sub(this OnnxGraphBuilder g, string a, string b) => g.Node("Sub", [a, b]);

    public static string Mul(this OnnxGraphBuilder g, string a, string b) => g.Node("Mul", [a, b]);

    public static string Div(this OnnxGraphBuilder g, string a, string b) => g.Node("Div", [a, b]);

    public static string Max(this OnnxGraphBuilder g, string a, string b) => g.Node("Max", [a, b]);

    public static string Pow(this OnnxGraphBuilder g, string a, string b) => g.Node("Pow", [a, b]);

    public static string Sqrt(this OnnxGraphBuilder g, string x) => g.Node("Sqrt", [x]);

    public static string Neg(this OnnxGraphBuilder g, string x) => g.Node("Neg", [x]);

    public static string Sigmoid(this OnnxGraphBuilder g, string x) => g.Node("Sigmoid", [x]);

    public static string Cos(this OnnxGraphBuilder g, string x) => g.Node("Cos", [x]);

    public static string Sin(this OnnxGraphBuilder g, string x) => g.Node("Sin", [x]);

    public static string Less(this OnnxGraphBuilder g, string a, string b) => g.Node("Less", [a, b]);

    public static string Greater(this OnnxGraphBuilder g, string a, string b) => g.Node("Greater", [a, b]);

    public static string LessOrEqual(this OnnxGraphBuilder g, string a, string b) => g.Node("LessOrEqual", [a, b]);

    public static string Equal(this OnnxGraphBuilder g, string a, string b) => g.Node("Equal", [a, b]);

    public static string GreaterOrEqual(this OnnxGraphBuilder g, string a, string b) => g.Node("GreaterOrEqual", [a, b]);

    public static string And(this OnnxGraphBuilder g, string a, string b) => g.Node("And", [a, b]);

    public static string Where(this OnnxGraphBuilder g, string condition, string a, string b) => g.Node("Where", [condition, a, b]);

    public static string Cast(this OnnxGraphBuilder g, string x, DataType to) =>
        g.Node("Cast", [x], [OnnxAttribute.Int("to", (long)to)]);

    public static string Shape(this OnnxGraphBuilder g, string x) => g.Node("Shape", [x]);

    /// <summary>Dimension <paramref name="axis"/> of <paramref name="x"/> as an int64 scalar.</summary>
    public static string Dim(this OnnxGraphBuilder g, string x, long axis) =>
        g.Node("Gather", [g.Shape(x), g.Int64(axis)], [OnnxAttribute.Int("axis", 0)]);

    public static string Range(this OnnxGraphBuilder g, string start, string limit, string delta) => g.Node("Range", [start, limit, delta]);

    public static string Gather(this OnnxGraphBuilder g, string data, string indices, long axis = 0) =>
        g.Node("Gather", [data, indices], [OnnxAttribute.Int("axis", axis)]);

    public static string Reshape(this OnnxGraphBuilder g, string x, params long[] shape) => g.Node("Reshape", [x, g.Int64Tensor(shape, [shape.Length])]);

    public static string Transpose(this OnnxGraphBuilder g, string x, params long[] perm) =>
        g.Node("Transpose", [x], [OnnxAttribute.Ints("perm", perm)]);

    public static string Unsqueeze(this OnnxGraphBuilder g, string x, params long[] axes) => g.Node("Unsqueeze", [x, g.Int64Tensor(axes, [axes.Length])]);

    public static string Concat(this OnnxGraphBuilder g, long axis, params string[] inputs) =>
        g.Node("Concat", inputs, [OnnxAttribute.Int("axis", axis)]);

    /// <summary>Elements <c>[start, end)</c> along one axis.</summary>
    public static string Slice(this OnnxGraphBuilder g, string x, long axis, long start, long end) =>
        g.Node("Slice", [x, g.Int64Tensor([start], [1]), g.Int64Tensor([end], [1]), g.Int64Tensor([axis], [1])]);

    public static string Softmax(this OnnxGraphBuilder g, string x, long axis) =>
        g.Node("Softmax", [x], [OnnxAttribute.Int("axis", axis)]);

    public static string ReduceMean(this OnnxGraphBuilder g, string x, long axis, bool keepDims) =>
        g.Node("ReduceMean", [x], [OnnxAttribute.Ints("axes", axis), OnnxAttribute.Int("keepdims", keepDims ? 1 : 0)]);

    public static string ReduceSum(this OnnxGraphBuilder g, string x, long axis, bool keepDims) =>
        g.Node("ReduceSum", [x, g.Int64Tensor([axis], [1])], [OnnxAttribute.Int("keepdims", keepDims ? 1 : 0)]);
}

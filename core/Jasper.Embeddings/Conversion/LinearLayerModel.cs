using Google.Protobuf;
using Jasper.Embeddings.Inference;
using Jasper.Embeddings.Numerics;
using Jasper.Embeddings.Onnx;
using Microsoft.ML.OnnxRuntime;
using DataType = Jasper.Embeddings.Onnx.Proto.TensorProto.Types.DataType;

namespace Jasper.Embeddings.Conversion;

/// <summary>
/// One linear layer built exactly as <see cref="ModelConverter"/> builds the model's (MatMul in float32; in float16
/// for fp16, whose linear layers take and give float16; MatMulNBits for int8/int4): the operation that dominates the
/// encoder, so what a machine's limit for it is measured with (<c>jasper bench</c>).
/// </summary>
public static class LinearLayerModel
{
    /// <summary>The input's name, <c>[m, k]</c>.</summary>
    public const string Input = "x";

    /// <summary>The product's name, <c>[m, n]</c>.</summary>
    public const string Output = "y";

    /// <summary>
    /// A second output, the input unchanged: run once with it bound to a device, it gives a device-resident copy of
    /// the input to bind for the timed runs, so that they measure the product and no host-to-device copy.
    /// </summary>
    public const string InputCopy = "x_copy";

    /// <summary>Element type of the input and the product: float16 for fp16, float32 otherwise.</summary>
    public static TensorDType ActivationType(ModelPrecision precision) => precision == ModelPrecision.Fp16 ? TensorDType.Float16 : TensorDType.Float32;

    /// <summary>
    /// A session over <see cref="Build"/>'s model on <paramref name="provider"/>, with the encoder's optimisation level
    /// and provider settings, on <paramref name="threads"/> threads (the processor count when null).
    /// </summary>
    public static InferenceSession CreateSession(ModelPrecision precision, int k, int n, ExecutionProvider provider = ExecutionProvider.Cpu, int? threads = null)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = threads ?? Environment.ProcessorCount,
        };
        InferenceSessionFactory.AppendProvider(options, provider, deviceId: 0);
        return new InferenceSession(Build(precision, k, n), options);
    }

    /// <summary>
    /// The serialized ONNX model <c>y = x · W</c> with x <c>[m, k]</c> of <see cref="ActivationType"/> and random
    /// weights W <c>[k, n]</c> at <paramref name="precision"/>, and <see cref="InputCopy"/>.
    /// </summary>
    public static byte[] Build(ModelPrecision precision, int k, int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var g = new OnnxGraphBuilder("linear_layer");
        var type = OnnxGraphBuilder.ElementType(ActivationType(precision));
        string x = g.Input(Input, type, "m", k);
        g.Output(Output, type, "m", n);
        g.Output(InputCopy, type, "m", k);
        // Random weights: the speed of a product does not depend on its values. Float weights are [k, n] for MatMul;
        // quantized ones are rows of the output [n, k], as MatMulNBits (and torch's Linear) lay them out.
        var random = new Random(7);
        var weight = new float[(long)k * n];
        for (int i = 0; i < weight.Length; i++)
        {
            weight[i] = (float)((random.NextDouble() - 0.5) * 0.05);
        }

        string y = precision switch
        {
            ModelPrecision.Fp32 => g.MatMul(x, g.InlineInitializer("w", weight, [k, n], TensorDType.Float32)),
            ModelPrecision.Fp16 => g.MatMul(x, g.InlineInitializer("w", weight, [k, n], TensorDType.Float16)),
            _ => Quantized(g, x, weight, precision, k, n),
        };
        g.Node("Identity", [y], output: Output);
        g.Node("Identity", [x], output: InputCopy);
        var model = g.Build(8, JasperGraph.OperatorSets(precision), new Dictionary<string, string>(), "probe");
        return model.ToByteArray();
    }

    private static string Quantized(OnnxGraphBuilder g, string x, float[] rows, ModelPrecision precision, int k, int n)
    {
        var quantizer = new BlockQuantizer(precision.WeightBits(), precision.DefaultBlockSize());
        int blocks = quantizer.BlocksPerRow(k);
        var codes = new byte[n * blocks * quantizer.BlockBytes];
        var scales = new float[n * blocks];
        quantizer.Quantize(rows, k, codes, scales);
        string codeName = g.InlineInitializer("codes", DataType.Uint8, [n, blocks, quantizer.BlockBytes], codes);
        string scaleName = g.InlineInitializer("scales", scales, [n * blocks], TensorDType.Float32);
        return g.MatMulNBits(x, codeName, scaleName, k, n, quantizer.Bits, quantizer.BlockSize, JasperGraph.Int8Accuracy);
    }
}

using System.Diagnostics;
using Google.Protobuf;
using Jasper.Core.Conversion;
using Jasper.Core.Inference;
using Jasper.Core.Numerics;
using Jasper.Core.Onnx;
using Microsoft.ML.OnnxRuntime;
using DataType = Jasper.Core.Onnx.Proto.TensorProto.Types.DataType;

namespace Jasper.Core.Benchmarking;

/// <summary>
/// The machine's limit for the encoder's dominant operation: one large matrix product through ONNX Runtime, built
/// as the converted model builds its linear layers at each precision (MatMul in float32; float16 weights cast as
/// the fp16 graph does; MatMulNBits for int8/int4), run on the same thread count as the encoder.
/// </summary>
public sealed class MatMulProbe : IDisposable
{
    private readonly InferenceSession _session;
    private readonly OrtValue _input;
    private readonly float[] _inputData;

    /// <summary>Builds the probe for <paramref name="precision"/> at <c>[m, k] × [k, n]</c> on <paramref name="provider"/>.</summary>
    public MatMulProbe(ModelPrecision precision, int m = 2048, int k = 1024, int n = 3072, int? threads = null, ExecutionProvider provider = ExecutionProvider.Cpu)
    {
        Precision = precision;
        (M, K, N) = (m, k, n);
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = threads ?? Environment.ProcessorCount,
        };
        InferenceSessionFactory.AppendProvider(options, provider, deviceId: 0);
        _session = new InferenceSession(BuildModel(precision, k, n), options);
        _inputData = new float[(long)m * k];
        var random = new Random(20251118);
        for (int i = 0; i < _inputData.Length; i++)
        {
            _inputData[i] = (float)(random.NextDouble() - 0.5);
        }

        _input = OrtValue.CreateTensorValueFromMemory(_inputData, [m, k]);
    }

    /// <summary>The precision probed.</summary>
    public ModelPrecision Precision { get; }

    /// <summary>Rows of the activation.</summary>
    public int M { get; }

    /// <summary>Inner dimension.</summary>
    public int K { get; }

    /// <summary>Output columns.</summary>
    public int N { get; }

    /// <summary>Runs warm-up, then products for about <paramref name="duration"/>; returns GFLOP/s.</summary>
    public double Measure(TimeSpan duration)
    {
        using var runOptions = new RunOptions();
        for (int i = 0; i < 2; i++)
        {
            RunOnce(runOptions);
        }

        int runs = 0;
        var watch = Stopwatch.StartNew();
        do
        {
            RunOnce(runOptions);
            runs++;
        }
        while (watch.Elapsed < duration);
        return EncoderCost.MatMulFlops(M, K, N) * runs / watch.Elapsed.TotalSeconds / 1e9;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _input.Dispose();
        _session.Dispose();
    }

    private void RunOnce(RunOptions runOptions)
    {
        using var outputs = _session.Run(runOptions, ["x"], [_input], ["y"]);
    }

    private static byte[] BuildModel(ModelPrecision precision, int k, int n)
    {
        var g = new OnnxGraphBuilder("matmul_probe");
        string x = g.Input("x", DataType.Float, "m", k);
        g.Output("y", DataType.Float, "m", n);
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
            ModelPrecision.Fp16 => g.Cast(g.MatMul(g.Cast(x, DataType.Float16), g.InlineInitializer("w", weight, [k, n], TensorDType.Float16)), DataType.Float),
            _ => Quantized(g, x, weight, precision, k, n),
        };
        g.Node("Identity", [y], output: "y");
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

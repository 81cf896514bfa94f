using System.Diagnostics;
using Jasper.Embeddings.Conversion;
using Jasper.Embeddings.Inference;
using Microsoft.ML.OnnxRuntime;

namespace Jasper.Cli.Benchmarking;

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
        _session = LinearLayerModel.CreateSession(precision, k, n, provider, threads);
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
}

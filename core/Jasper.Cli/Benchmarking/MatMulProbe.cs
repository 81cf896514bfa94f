using System.Diagnostics;
using Jasper.Embeddings.Conversion;
using Jasper.Embeddings.Inference;
using Jasper.Embeddings.Numerics;
using Microsoft.ML.OnnxRuntime;

namespace Jasper.Cli.Benchmarking;

/// <summary>
/// The machine's limit for the encoder's dominant operation: one large matrix product through ONNX Runtime, built
/// as the converted model builds its linear layers at each precision (MatMul in float32; in float16 for fp16;
/// MatMulNBits for int8/int4), run on the encoder's provider and thread count. On CUDA the input and the product stay
/// in device memory (IOBinding), so the runs time the product and not a copy over PCIe.
/// </summary>
public sealed class MatMulProbe : IDisposable
{
    private readonly InferenceSession _session;
    private readonly OrtValue _input;
    private readonly OrtIoBinding _binding;
    private readonly OrtMemoryInfo? _device;
    private readonly IDisposable? _deviceInput;

    /// <summary>
    /// Builds the probe for <paramref name="precision"/> at <c>[m, k] × [k, n]</c> on <paramref name="provider"/>;
    /// m is 2,048 rows on the CPU and 16,384 on a GPU (half a batch of 32 texts of 1,024 tokens), enough to fill it.
    /// </summary>
    public MatMulProbe(ModelPrecision precision, int? m = null, int k = 1024, int n = 3072, int? threads = null, ExecutionProvider provider = ExecutionProvider.Cpu)
    {
        Precision = precision;
        (M, K, N) = (m ?? (provider == ExecutionProvider.Cpu ? 2048 : 16384), k, n);
        _session = LinearLayerModel.CreateSession(precision, k, n, provider, threads);
        _input = RandomInput(LinearLayerModel.ActivationType(precision), M, k);
        _binding = _session.CreateIoBinding();
        if (provider == ExecutionProvider.Cuda)
        {
            // One run copies the input to the device; the timed runs then read it there and leave the product there.
            _device = new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, 0, OrtMemType.Default);
            _binding.BindInput(LinearLayerModel.Input, _input);
            _binding.BindOutputToDevice(LinearLayerModel.InputCopy, _device);
            using (var runOptions = new RunOptions())
            {
                _session.RunWithBinding(runOptions, _binding);
            }

            var copies = _binding.GetOutputValues();
            _deviceInput = copies;
            _binding.ClearBoundInputs();
            _binding.ClearBoundOutputs();
            _binding.BindInput(LinearLayerModel.Input, copies[0]);
            _binding.BindOutputToDevice(LinearLayerModel.Output, _device);
        }
        else
        {
            _binding.BindInput(LinearLayerModel.Input, _input);
            _binding.BindOutputToDevice(LinearLayerModel.Output, OrtMemoryInfo.DefaultInstance);
        }
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
            _session.RunWithBinding(runOptions, _binding);
        }

        // ONNX Runtime waits for the device at the end of every run, so each run is timed whole.
        int runs = 0;
        var watch = Stopwatch.StartNew();
        do
        {
            _session.RunWithBinding(runOptions, _binding);
            runs++;
        }
        while (watch.Elapsed < duration);
        return EncoderCost.MatMulFlops(M, K, N) * runs / watch.Elapsed.TotalSeconds / 1e9;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _binding.Dispose();
        _deviceInput?.Dispose();
        _device?.Dispose();
        _input.Dispose();
        _session.Dispose();
    }

    private static OrtValue RandomInput(TensorDType type, int m, int k)
    {
        var random = new Random(20251118);
        var values = new float[(long)m * k];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(random.NextDouble() - 0.5);
        }

        if (type == TensorDType.Float32)
        {
            return OrtValue.CreateTensorValueFromMemory(values, [m, k]);
        }

        var halves = Array.ConvertAll(values, v => (Float16)v);
        return OrtValue.CreateTensorValueFromMemory(halves, [m, k]);
    }
}

using Jasper.Embeddings.Inference;
using Jasper.Embeddings.Tests.Conversion;
using Jasper.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace Jasper.Embeddings.Tests.Inference;

[Collection(TinyModelGroup.Name)]
public sealed class ExecutionProviderTests
{
    private static readonly string[] CpuOnly = ["CPUExecutionProvider"];
    private static readonly string[] WithCuda = ["CUDAExecutionProvider", "CPUExecutionProvider"];
    private static readonly string[] WithDirectML = ["DmlExecutionProvider", "CPUExecutionProvider"];

    [Fact]
    public void This_build_ships_the_cpu_package_so_the_fallback_path_is_real()
    {
        Assert.Equal(CpuOnly, OrtEnv.Instance().GetAvailableProviders());
    }

    [Theory]
    [InlineData(ExecutionProvider.Auto, false, new[] { "CPUExecutionProvider" }, ExecutionProvider.Cpu)]
    [InlineData(ExecutionProvider.Auto, false, new[] { "CUDAExecutionProvider", "CPUExecutionProvider" }, ExecutionProvider.Cuda)]
    [InlineData(ExecutionProvider.Auto, true, new[] { "DmlExecutionProvider", "CUDAExecutionProvider", "CPUExecutionProvider" }, ExecutionProvider.DirectML)]
    [InlineData(ExecutionProvider.Auto, false, new[] { "DmlExecutionProvider", "CPUExecutionProvider" }, ExecutionProvider.Cpu)]
    [InlineData(ExecutionProvider.Cpu, true, new[] { "DmlExecutionProvider", "CPUExecutionProvider" }, ExecutionProvider.Cpu)]
    [InlineData(ExecutionProvider.Cuda, false, new[] { "CUDAExecutionProvider", "CPUExecutionProvider" }, ExecutionProvider.Cuda)]
    [InlineData(ExecutionProvider.DirectML, true, new[] { "DmlExecutionProvider", "CPUExecutionProvider" }, ExecutionProvider.DirectML)]
    public void Selection_prefers_directml_on_windows_then_cuda_then_cpu(ExecutionProvider requested, bool windows, string[] available, ExecutionProvider expected)
    {
        var selection = ProviderSelection.Select(requested, available, windows);
        Assert.Equal(expected, selection.Provider);
        Assert.Equal(requested == ExecutionProvider.Auto && expected == ExecutionProvider.Cpu, selection.FallbackReason is not null);
    }

    [Fact]
    public void Asking_for_a_missing_provider_names_the_package_to_install()
    {
        var cuda = Assert.Throws<ExecutionProviderUnavailableException>(() => ProviderSelection.Select(ExecutionProvider.Cuda, CpuOnly, isWindows: false));
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu.Linux", cuda.Message, StringComparison.Ordinal);
        var dml = Assert.Throws<ExecutionProviderUnavailableException>(() => ProviderSelection.Select(ExecutionProvider.DirectML, WithCuda, isWindows: true));
        Assert.Contains("Microsoft.ML.OnnxRuntime.DirectML", dml.Message, StringComparison.Ordinal);
        var linuxDml = Assert.Throws<ExecutionProviderUnavailableException>(() => ProviderSelection.Select(ExecutionProvider.DirectML, WithDirectML, isWindows: false));
        Assert.Contains("Windows", linuxDml.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Directml_sessions_turn_memory_patterns_off_run_sequentially_and_one_at_a_time()
    {
        using var options = new SessionOptions { EnableMemoryPattern = true, ExecutionMode = ExecutionMode.ORT_PARALLEL };
        InferenceSessionFactory.ApplyProviderSettings(options, ExecutionProvider.DirectML);
        Assert.False(options.EnableMemoryPattern);
        Assert.Equal(ExecutionMode.ORT_SEQUENTIAL, options.ExecutionMode);
        Assert.True(new ProviderSelection(ExecutionProvider.DirectML, ExecutionProvider.Auto).RequiresSerializedRuns);
        Assert.False(new ProviderSelection(ExecutionProvider.Cuda, ExecutionProvider.Auto).RequiresSerializedRuns);
    }

    [Fact]
    public void Auto_on_a_cpu_build_falls_back_to_the_cpu_with_one_log_line()
    {
        var logs = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        using var encoder = JasperEncoder.Load(TinyModels.Fp32, new JasperEncoderOptions { Device = ExecutionProvider.Auto }, factory);
        Assert.Equal(ExecutionProvider.Cpu, encoder.Provider.Provider);

        // One line says where it runs and why, not a fallback line followed by a provider line.
        var line = Assert.Single(logs.Messages, m => m.Contains("execution provider", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("Falling back to the CPU", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ExecutionProvider.Cuda, "Microsoft.ML.OnnxRuntime.Gpu")]
    [InlineData(ExecutionProvider.DirectML, "DirectML")]
    public void Loading_with_an_explicit_missing_provider_fails_clearly(ExecutionProvider device, string expected)
    {
        var error = Assert.Throws<ExecutionProviderUnavailableException>(() => JasperEncoder.Load(TinyModels.Fp32, new JasperEncoderOptions { Device = device }));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}

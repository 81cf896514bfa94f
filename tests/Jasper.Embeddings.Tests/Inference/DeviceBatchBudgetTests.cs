using System.Globalization;
using Jasper.Embeddings.Inference;
using Jasper.Embeddings.Inference.Budget;
using Jasper.Embeddings.Tests.Conversion;
using Jasper.TestSupport;
using Microsoft.Extensions.Logging;

namespace Jasper.Embeddings.Tests.Inference;

/// <summary>
/// A GPU's batch budget from its free memory: a probe inference at load measures what a token takes, and the budget
/// is the share of free memory that many tokens fit in. The device's memory is read through <see cref="IDeviceMemory"/>;
/// here a scripted reading stands in for <c>cudaMemGetInfo</c>, which this machine has no GPU for, while the probe is
/// a real inference on the CPU provider.
/// </summary>
[Collection(TinyModelGroup.Name)]
public sealed class DeviceBatchBudgetTests
{
    private const long GiB = 1L << 30;
    private const long MiB = 1L << 20;

    [Fact]
    public void The_budget_is_the_share_of_free_memory_that_the_probes_tokens_per_byte_fill()
    {
        // 800 MiB for 8,192 tokens is 100 KiB a token; 80% of 4 GiB holds 33,554 of them.
        var budget = BatchBudgetMeasurement.FromProbe(4 * GiB, (4 * GiB) - (800 * MiB), probeTokens: 8192, memoryFraction: 0.8, ceiling: 65536);
        Assert.Equal(33554, budget.Tokens);
        Assert.Equal(102400, budget.BytesPerToken);
    }

    [Fact]
    public void A_large_device_stops_at_the_ceiling_and_one_the_probe_filled_gets_its_share_of_the_probe()
    {
        Assert.Equal(65536, BatchBudgetMeasurement.FromProbe(120 * GiB, (120 * GiB) - (800 * MiB), 8192, 0.8, 65536).Tokens);
        Assert.Equal(6553, BatchBudgetMeasurement.FromProbe(1 * GiB, 0, 8192, 0.8, 65536).Tokens);
    }

    [Fact]
    public void A_probe_that_took_no_memory_measures_nothing_and_leaves_the_ceiling()
    {
        var budget = BatchBudgetMeasurement.FromProbe(4 * GiB, 4 * GiB, 8192, 0.8, 65536);
        Assert.Equal(65536, budget.Tokens);
        Assert.Null(budget.BytesPerToken);
    }

    [Fact]
    public void Loading_on_a_device_with_readable_memory_probes_the_widest_batch_and_sets_the_budget_from_it()
    {
        // 300 MiB free and 250 MiB for the probe: fewer tokens than the provider's fixed budget, so the figure shows.
        var memory = new ScriptedDeviceMemory(300 * MiB, 50 * MiB);
        var logs = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        using var encoder = JasperEncoder.Load(TinyModels.Fp32, new JasperEncoderOptions(), factory, (_, _) => memory);

        int width = encoder.MaxTokens;
        int rows = Math.Max(1, BatchBudgetMeasurement.ProbeTokens / width);
        var expected = BatchBudgetMeasurement.FromProbe(300 * MiB, 50 * MiB, rows * width, JasperEncoderOptions.DefaultDeviceMemoryFraction, JasperEncoderOptions.CpuBatchTokenBudget);
        Assert.InRange(expected.Tokens, 2, JasperEncoderOptions.CpuBatchTokenBudget - 1);
        Assert.Equal(expected.Tokens, encoder.BatchTokenBudget);
        Assert.Equal(2, memory.Reads);

        // The probe is the worst case a budget must hold: rows as wide as the longest text, uncompressed.
        Assert.Contains(logs.Messages, m => m == $"Inference: {rows} texts in {rows} rows, {width} tokens wide, {width} positions after compression");
        var line = Assert.Single(logs.Messages, m => m.StartsWith("Batch budget", StringComparison.Ordinal));
        Assert.Contains(expected.Tokens.ToString("N0", CultureInfo.InvariantCulture), line, StringComparison.Ordinal);
        Assert.Contains("scripted device", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_budget_that_is_given_skips_the_probe()
    {
        var memory = new ScriptedDeviceMemory(4 * GiB, 3 * GiB);
        using var encoder = JasperEncoder.Load(TinyModels.Fp32, new JasperEncoderOptions { BatchTokenBudget = 700 }, null, (_, _) => memory);
        Assert.Equal(700, encoder.BatchTokenBudget);
        Assert.Equal(0, memory.Reads);
    }

    [Fact]
    public void Without_a_reading_the_device_keeps_the_providers_fixed_budget_and_runs_no_probe()
    {
        var memory = new ScriptedDeviceMemory((long?)null);
        var logs = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        using var encoder = JasperEncoder.Load(TinyModels.Fp32, new JasperEncoderOptions(), factory, (_, _) => memory);
        Assert.Equal(JasperEncoderOptions.CpuBatchTokenBudget, encoder.BatchTokenBudget); // these tests run on the CPU provider
        Assert.DoesNotContain(logs.Messages, m => m.StartsWith("Inference:", StringComparison.Ordinal));
    }

    [Fact]
    public void The_cpu_reads_no_device_memory_and_keeps_its_budget()
    {
        using var encoder = JasperEncoder.Load(TinyModels.Fp32, new JasperEncoderOptions { Device = ExecutionProvider.Cpu });
        Assert.Equal(JasperEncoderOptions.CpuBatchTokenBudget, encoder.BatchTokenBudget);
        Assert.Null(JasperEncoder.DeviceMemoryFor(encoder.Provider, 0));
    }

    [Fact]
    public void A_budget_below_one_token_is_refused_at_load_not_at_the_first_text()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => JasperEncoder.Load(TinyModels.Fp32, new JasperEncoderOptions { BatchTokenBudget = 0 }));
        Assert.Contains("BatchTokenBudget", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    public void A_memory_fraction_outside_zero_to_one_is_refused_at_load(double fraction)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => JasperEncoder.Load(TinyModels.Fp32, new JasperEncoderOptions { DeviceMemoryFraction = fraction }));
        Assert.Contains("DeviceMemoryFraction", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cuda_runtime_read_for_free_memory_is_the_major_version_the_provider_links()
    {
        int major = RepoPaths.OnnxRuntimeCudaMajor;
        Assert.Equal(CudaRuntime.Major, major);
        Assert.EndsWith(OperatingSystem.IsWindows() ? $"64_{major}.dll" : $".so.{major}", CudaRuntime.Library, StringComparison.Ordinal);
    }

    [Fact]
    public void Cuda_memory_is_readable_only_where_the_cuda_runtime_loads_and_its_absence_is_no_error()
    {
        bool hasRuntime = System.Runtime.InteropServices.NativeLibrary.TryLoad(CudaRuntime.Library, out _);
        Assert.Equal(hasRuntime, CudaDeviceMemory.Open(0) is not null);
    }

    /// <summary>Answers each read with the next scripted free figure, then the last one; null for a device it cannot read.</summary>
    private sealed class ScriptedDeviceMemory(params long?[] free) : IDeviceMemory
    {
        public int Reads { get; private set; }

        public string Device => "scripted device";

        public long? ReadFreeBytes() => free[Math.Min(Reads++, free.Length - 1)];
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace Jasper.Embeddings.Inference;

/// <summary>Creates ONNX Runtime sessions for a model graph on the chosen execution provider.</summary>
internal static partial class InferenceSessionFactory
{
    /// <summary>
    /// Creates the session; under <c>auto</c> a GPU provider that fails to start falls back to the CPU.
    /// <paramref name="configure"/> sees the session options last.
    /// </summary>
    public static (InferenceSession Session, ProviderSelection Selection) Create(string graphPath, JasperEncoderOptions options, ILogger logger, Action<SessionOptions>? configure = null)
    {
        var selection = ProviderSelection.Select(options.Device, OrtEnv.Instance().GetAvailableProviders(), OperatingSystem.IsWindows());
        try
        {
            var session = Build(graphPath, selection, options, configure);

            // One line: where it runs, and why when that is not what was asked for.
            if (selection.FallbackReason is string reason)
            {
                LogFallback(logger, reason);
            }
            else
            {
                LogProvider(logger, selection.Provider, options.Device);
            }

            return (session, selection);
        }
        catch (OnnxRuntimeException ex) when (selection.Provider != ExecutionProvider.Cpu && selection.Requested == ExecutionProvider.Auto)
        {
            var cpu = new ProviderSelection(ExecutionProvider.Cpu, ExecutionProvider.Auto, $"{selection.Provider.ToName()} failed to start: {ex.Message}");
            LogFallback(logger, cpu.FallbackReason!);
            return (Build(graphPath, cpu, options, configure), cpu);
        }
        catch (OnnxRuntimeException ex) when (selection.Provider != ExecutionProvider.Cpu)
        {
            throw new ExecutionProviderUnavailableException(
                $"The {selection.Provider.ToName()} execution provider is in this build but failed to start: {ex.Message}. " +
                (selection.Provider == ExecutionProvider.Cuda
                    ? $"ONNX Runtime's CUDA provider needs {CudaRuntime.Requirements}; install them, or use --device cpu."
                    : "Check the GPU driver (DirectX 12), or use --device cpu."), ex);
        }
    }

    /// <summary>
    /// The session settings a provider needs. DirectML requires memory patterns off and sequential execution
    /// (and one Run at a time, which <see cref="JasperEncoder"/> enforces). CUDA puts the weights outside its arena.
    /// </summary>
    internal static void ApplyProviderSettings(SessionOptions sessionOptions, ExecutionProvider provider)
    {
        if (provider == ExecutionProvider.Cuda)
        {
            // The arena grows in powers of two: weights allocated through it would leave up to their own size free in
            // it, which the batch budget's probe would take for memory the activations do not need, and waste besides.
            sessionOptions.AddSessionConfigEntry(DeviceAllocatorForInitializers, "1");
        }

        if (provider == ExecutionProvider.DirectML)
        {
            sessionOptions.EnableMemoryPattern = false;
            sessionOptions.ExecutionMode = ExecutionMode.ORT_SEQUENTIAL;
        }
    }

    /// <summary>ONNX Runtime's session setting that allocates weights with the device's allocator rather than its arena.</summary>
    internal const string DeviceAllocatorForInitializers = "session.use_device_allocator_for_initializers";

    /// <summary>
    /// Set to <c>verbose</c>, ONNX Runtime logs how it builds each session, node placements included: which nodes run
    /// on the GPU and which on the CPU (<c>docs/gpu.md</c>).
    /// </summary>
    public const string LogVariable = "JASPER_ORT_LOG";

    /// <summary>
    /// Set to a path prefix, ONNX Runtime profiles every node of every inference and writes the profile (Chrome trace
    /// JSON, <c>PREFIX_DATE.json</c>) when the session closes: kernel time by operator and provider, and each run's time
    /// outside its kernels (the copies of inputs and outputs among it); <c>tools/gpu/profile_summary.py</c> sums it up.
    /// </summary>
    public const string ProfileVariable = "JASPER_ORT_PROFILE";

    private static InferenceSession Build(string graphPath, ProviderSelection selection, JasperEncoderOptions options, Action<SessionOptions>? configure)
    {
        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,

            // Environment.ProcessorCount honours the container's CPU quota; ONNX Runtime's default counts the host.
            IntraOpNumThreads = options.IntraOpThreads ?? Environment.ProcessorCount,
        };
        if (string.Equals(Environment.GetEnvironmentVariable(LogVariable), "verbose", StringComparison.OrdinalIgnoreCase))
        {
            OrtEnv.Instance().EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE;
            sessionOptions.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE;
        }

        if (Environment.GetEnvironmentVariable(ProfileVariable) is { Length: > 0 } profilePrefix)
        {
            // In this order: turning profiling on passes the prefix set so far to ONNX Runtime.
            sessionOptions.ProfileOutputPathPrefix = profilePrefix;
            sessionOptions.EnableProfiling = true;
        }

        AppendProvider(sessionOptions, selection.Provider, options.DeviceId);
        configure?.Invoke(sessionOptions);
        return new InferenceSession(graphPath, sessionOptions);
    }

    /// <summary>Adds <paramref name="provider"/> (and the session settings it needs) to the options; the CPU needs nothing.</summary>
    internal static void AppendProvider(SessionOptions sessionOptions, ExecutionProvider provider, int deviceId)
    {
        ApplyProviderSettings(sessionOptions, provider);
        switch (provider)
        {
            case ExecutionProvider.Cuda:
                sessionOptions.AppendExecutionProvider_CUDA(deviceId);
                break;
            case ExecutionProvider.DirectML:
                sessionOptions.AppendExecutionProvider_DML(deviceId);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Falling back to the CPU execution provider: {Reason}")]
    private static partial void LogFallback(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Running on the {Provider} execution provider (requested: {Requested})")]
    private static partial void LogProvider(ILogger logger, ExecutionProvider provider, ExecutionProvider requested);
}

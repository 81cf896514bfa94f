using System.Diagnostics;
using System.Diagnostics.Metrics;
using Jasper.Embeddings.Inference;
using Jasper.Serving.Batching;
using Jasper.Serving.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Jasper.Serving.Hosting;

/// <summary>
/// Loads the model in the background so that a host starts at once (Flex Consumption allows 30 seconds) and reports
/// its state meanwhile: from a local directory, or from an <see cref="IModelSource"/> (a blob download, for instance).
/// Shared by every request and queue worker of a process.
/// </summary>
public sealed partial class ModelHost : IAsyncDisposable
{
    private readonly ModelHostOptions _options;
    private readonly IModelSource? _source;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource<(JasperEncoder Encoder, DynamicBatcher Batcher)> _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _started;

    /// <summary>
    /// Creates the host over the model at <see cref="ModelHostOptions.Path"/>, or from <paramref name="source"/> when
    /// given. Its measurements (<see cref="ServingTelemetry.MeterName"/>) go to a meter of <paramref name="meterFactory"/>.
    /// </summary>
    public ModelHost(ModelHostOptions options, IModelSource? source = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _source = source;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<ModelHost>();
        Metrics = new ServingMetrics(meterFactory, () => State == ModelHostState.Ready ? (Batcher.PendingRequests, Batcher.PendingTokens) : null);
    }

    /// <summary>The serving layer's instruments.</summary>
    internal ServingMetrics Metrics { get; }

    /// <summary>Loading, ready or failed.</summary>
    public ModelHostState State => _loaded.Task.Status switch
    {
        TaskStatus.RanToCompletion => ModelHostState.Ready,
        TaskStatus.Faulted or TaskStatus.Canceled => ModelHostState.Failed,
        _ => ModelHostState.Loading,
    };

    /// <summary>Why loading failed.</summary>
    public string? FailureReason => _loaded.Task.Exception?.InnerException?.Message;

    /// <summary>The encoder, once ready.</summary>
    public JasperEncoder Encoder => State == ModelHostState.Ready ? _loaded.Task.Result.Encoder : throw new InvalidOperationException($"The model is not ready ({State}).");

    /// <summary>The request batcher, once ready.</summary>
    internal DynamicBatcher Batcher => State == ModelHostState.Ready ? _loaded.Task.Result.Batcher : throw new InvalidOperationException($"The model is not ready ({State}).");

    /// <summary>Starts loading in the background (once; later calls do nothing).</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _ = Task.Run(LoadAsync);
        }
    }

    /// <summary>Waits until the model is ready; throws the loading failure if it failed.</summary>
    public async Task<JasperEncoder> WaitReadyAsync(CancellationToken cancellationToken = default)
    {
        Start();
        return (await _loaded.Task.WaitAsync(cancellationToken).ConfigureAwait(false)).Encoder;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (State == ModelHostState.Ready)
        {
            var (encoder, batcher) = _loaded.Task.Result;
            await batcher.DisposeAsync().ConfigureAwait(false);
            encoder.Dispose();
        }

        Metrics.Dispose();
    }

    private async Task LoadAsync()
    {
        long started = Stopwatch.GetTimestamp();
        try
        {
            _options.Batching.Validate(); // before the model is loaded, so that a setting that cannot work costs nothing
            string directory = await LocateAsync().ConfigureAwait(false);
            var encoder = JasperEncoder.Load(directory, _options.Encoder, _loggerFactory);
            LogReady(_logger, encoder.Model.Manifest.Name, directory);
            Metrics.ModelLoaded(Stopwatch.GetElapsedTime(started), succeeded: true);
            _loaded.SetResult((encoder, new DynamicBatcher(encoder, _options.Batching, Metrics)));
        }
        catch (Exception ex)
        {
            LogFailed(_logger, ex.Message);
            Metrics.ModelLoaded(Stopwatch.GetElapsedTime(started), succeeded: false);
            _loaded.SetException(ex);
        }
    }

    private Task<string> LocateAsync() =>
        _source?.GetDirectoryAsync(CancellationToken.None)
        ?? (_options.Path is { Length: > 0 } path
            ? Task.FromResult(path)
            : throw new InvalidOperationException("No model is configured: set Jasper:Model:Path (a local directory) or Jasper:Model:Blob (container/prefix)."));

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Name} ready from {Directory}")]
    private static partial void LogReady(ILogger logger, string name, string directory);

    [LoggerMessage(Level = LogLevel.Error, Message = "The model could not be loaded: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}

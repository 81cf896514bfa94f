using Azure.Storage.Blobs;
using Jasper.Core.Conversion;
using Jasper.Core.Inference;
using Jasper.Core.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Jasper.Core.Serving;

/// <summary>
/// Loads the model in the background so that a host starts at once (Flex Consumption allows 30 seconds) and reports
/// its state meanwhile: from a local directory, or from a blob prefix downloaded once per instance and checked
/// against the SHA-256 of every file the manifest lists. Shared by every request and queue worker of a process.
/// </summary>
public sealed partial class ModelHost : IAsyncDisposable
{
    private readonly ModelHostOptions _options;
    private readonly BlobServiceClient? _blobs;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource<(JasperEncoder Encoder, DynamicBatcher Batcher)> _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _started;

    /// <summary>Creates the host; <paramref name="blobs"/> is needed when the model comes from blob storage.</summary>
    public ModelHost(ModelHostOptions options, BlobServiceClient? blobs = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _blobs = blobs;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<ModelHost>();
    }

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
    public DynamicBatcher Batcher => State == ModelHostState.Ready ? _loaded.Task.Result.Batcher : throw new InvalidOperationException($"The model is not ready ({State}).");

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
    }

    private async Task LoadAsync()
    {
        try
        {
            string directory = await LocateAsync().ConfigureAwait(false);
            var encoder = JasperEncoder.Load(directory, _options.Encoder, _loggerFactory);
            LogReady(_logger, encoder.Model.Manifest.Name, directory);
            _loaded.SetResult((encoder, new DynamicBatcher(encoder, _options.Batching)));
        }
        catch (Exception ex)
        {
            LogFailed(_logger, ex.Message);
            _loaded.SetException(ex);
        }
    }

    private async Task<string> LocateAsync()
    {
        if (_options.Path is { Length: > 0 } path)
        {
            return path;
        }

        if (_options.Blob is not { Length: > 0 } blob)
        {
            throw new InvalidOperationException("No model is configured: set Jasper:Model:Path (a local directory) or Jasper:Model:Blob (container/prefix).");
        }

        if (_blobs is null)
        {
            throw new InvalidOperationException($"The model is configured in blob storage ({blob}) but no storage account is configured.");
        }

        return await DownloadAsync(blob).ConfigureAwait(false);
    }

    // Downloads container/prefix into the cache, keeping files already there that match the manifest's hashes.
    private async Task<string> DownloadAsync(string blob)
    {
        string[] parts = blob.Trim('/').Split('/', 2);
        var container = _blobs!.GetBlobContainerClient(parts[0]);
        string prefix = parts.Length > 1 ? parts[1].TrimEnd('/') + "/" : string.Empty;
        string target = Path.Combine(_options.CacheDirectory, blob.Trim('/').Replace('/', '_'));
        Directory.CreateDirectory(target);

        string manifestPath = Path.Combine(target, ModelManifest.FileName);
        await container.GetBlobClient(prefix + ModelManifest.FileName).DownloadToAsync(manifestPath).ConfigureAwait(false);
        var manifest = ModelManifest.Load(manifestPath);
        var hashes = manifest.Files ?? throw new InvalidDataException($"{blob}/{ModelManifest.FileName} lists no file hashes; convert the model again with this version.");
        foreach (var (file, sha256) in hashes)
        {
            string local = Path.Combine(target, file);
            if (File.Exists(local) && ModelConverter.Sha256(local) == sha256)
            {
                continue;
            }

            LogDownloading(_logger, blob, file);
            await container.GetBlobClient(prefix + file).DownloadToAsync(local).ConfigureAwait(false);
            if (ModelConverter.Sha256(local) != sha256)
            {
                File.Delete(local);
                throw new InvalidDataException($"{blob}/{file} does not match the SHA-256 in its manifest; the upload is incomplete or damaged. Upload the model directory again.");
            }
        }

        return target;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Name} ready from {Directory}")]
    private static partial void LogReady(ILogger logger, string name, string directory);

    [LoggerMessage(Level = LogLevel.Error, Message = "The model could not be loaded: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Downloading {Blob}/{File}")]
    private static partial void LogDownloading(ILogger logger, string blob, string file);
}

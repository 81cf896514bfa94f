using Azure.Storage.Blobs;
using Jasper.Embeddings.Models;
using Jasper.Serving.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Jasper.Azure.Hosting;

/// <summary>
/// A model directory in blob storage (<c>container/prefix</c>), downloaded once per instance into a cache directory.
/// Files already there are kept when they match the SHA-256 the manifest lists; every download is checked against it.
/// </summary>
internal sealed partial class BlobModelSource : IModelSource
{
    private readonly BlobServiceClient _blobs;
    private readonly string _cacheDirectory;
    private readonly ILogger _logger;

    public BlobModelSource(BlobServiceClient blobs, string blob, string cacheDirectory, ILogger<BlobModelSource>? logger = null)
    {
        _blobs = blobs;
        Description = blob.Trim('/');
        _cacheDirectory = cacheDirectory;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public string Description { get; }

    public async Task<string> GetDirectoryAsync(CancellationToken cancellationToken)
    {
        string[] parts = Description.Split('/', 2);
        var container = _blobs.GetBlobContainerClient(parts[0]);
        string prefix = parts.Length > 1 ? parts[1].TrimEnd('/') + "/" : string.Empty;
        string target = Path.Combine(_cacheDirectory, Description.Replace('/', '_'));
        Directory.CreateDirectory(target);

        string manifestPath = Path.Combine(target, ModelManifest.FileName);
        await container.GetBlobClient(prefix + ModelManifest.FileName).DownloadToAsync(manifestPath, cancellationToken).ConfigureAwait(false);
        var manifest = ModelManifest.Load(manifestPath);
        var hashes = manifest.Files ?? throw new InvalidDataException($"{Description}/{ModelManifest.FileName} lists no file hashes; convert the model again with this version.");
        foreach (var (file, sha256) in hashes)
        {
            string local = Path.Combine(target, file);
            if (await FileHash.MatchesAsync(local, sha256, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            LogDownloading(_logger, Description, file);
            await container.GetBlobClient(prefix + file).DownloadToAsync(local, cancellationToken).ConfigureAwait(false);
            if (!await FileHash.MatchesAsync(local, sha256, cancellationToken).ConfigureAwait(false))
            {
                File.Delete(local);
                throw new InvalidDataException($"{Description}/{file} does not match the SHA-256 in its manifest; the upload is incomplete or damaged. Upload the model directory again.");
            }
        }

        return target;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Downloading {Blob}/{File}")]
    private static partial void LogDownloading(ILogger logger, string blob, string file);
}

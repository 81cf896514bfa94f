using Jasper.Embeddings.Conversion;
using Jasper.Embeddings.Models;

namespace Jasper.Embeddings.Hub;

/// <summary>Downloads a checkpoint from the hub and converts it: what <c>jasper model pull</c> does.</summary>
public static class ModelPuller
{
    /// <summary>The published model.</summary>
    public const string DefaultRepository = "infgrad/Jasper-Token-Compression-600M";

    /// <summary>Subdirectory of the output holding the downloaded checkpoint.</summary>
    public const string CheckpointSubdirectory = "checkpoint";

    /// <summary>Downloads into <c>OUTPUT/checkpoint</c> (resuming a previous attempt) and converts into OUTPUT.</summary>
    public static async Task<ModelManifest> PullAsync(HubClient hub, ModelPullOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentNullException.ThrowIfNull(options);
        string checkpoint = Path.Combine(options.OutputDirectory, CheckpointSubdirectory);
        string commit = await hub.DownloadCheckpointAsync(options.Repository, options.Revision, checkpoint, options.DownloadProgress, cancellationToken).ConfigureAwait(false);
        var manifest = ModelConverter.Convert(new ConvertOptions
        {
            SourceDirectory = checkpoint,
            OutputDirectory = options.OutputDirectory,
            Precision = options.Precision,
            Name = options.Repository.Split('/')[^1],
            Origin = options.Repository,
            Revision = commit,
        }, options.ConversionProgress, cancellationToken);
        if (!options.KeepCheckpoint)
        {
            Directory.Delete(checkpoint, recursive: true);
        }

        return manifest;
    }
}

using Jasper.Core.Conversion;
using Jasper.Core.Models;

namespace Jasper.Core.Hub;

/// <summary>Downloads a checkpoint from the hub and converts it: what <c>jasper model pull</c> does.</summary>
public static class ModelPuller
{
    /// <summary>The published model.</summary>
    public const string DefaultRepository = "infgrad/Jasper-Token-Compression-600M";

    /// <summary>Subdirectory of the output holding the downloaded checkpoint.</summary>
    public const string CheckpointSubdirectory = "checkpoint";

    /// <summary>Downloads into <c>OUTPUT/checkpoint</c> (resuming a previous attempt) and converts into OUTPUT.</summary>
    public static async Task<ModelManifest> PullAsync(
        HubClient hub,
        string repository,
        string revision,
        string outputDirectory,
        ModelPrecision precision,
        bool keepCheckpoint,
        IProgress<DownloadProgress>? downloadProgress = null,
        IProgress<ConversionProgress>? conversionProgress = null,
        CancellationToken cancellationToken = default)
    {
        string checkpoint = Path.Combine(outputDirectory, CheckpointSubdirectory);
        string commit = await hub.DownloadCheckpointAsync(repository, revision, checkpoint, downloadProgress, cancellationToken).ConfigureAwait(false);
        var manifest = ModelConverter.Convert(new ConvertOptions
        {
            SourceDirectory = checkpoint,
            OutputDirectory = outputDirectory,
            Precision = precision,
            Name = repository.Split('/')[^1],
            Origin = repository,
            Revision = commit,
        }, conversionProgress, cancellationToken);
        if (!keepCheckpoint)
        {
            Directory.Delete(checkpoint, recursive: true);
        }

        return manifest;
    }
}

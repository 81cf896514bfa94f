using Jasper.Embeddings.Conversion;

namespace Jasper.Embeddings.Hub;

/// <summary>What <see cref="ModelPuller"/> downloads and how it converts it.</summary>
public sealed record ModelPullOptions
{
    /// <summary>Hub repository.</summary>
    public string Repository { get; init; } = ModelPuller.DefaultRepository;

    /// <summary>Branch, tag or commit.</summary>
    public string Revision { get; init; } = "main";

    /// <summary>Model directory to write; the checkpoint is downloaded into its <c>checkpoint</c> subdirectory.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Precision of the converted model.</summary>
    public ModelPrecision Precision { get; init; } = ModelPrecision.Fp32;

    /// <summary>Keep the downloaded checkpoint after converting it.</summary>
    public bool KeepCheckpoint { get; init; }

    /// <summary>Download progress, per file.</summary>
    public IProgress<DownloadProgress>? DownloadProgress { get; init; }

    /// <summary>Conversion progress, per tensor.</summary>
    public IProgress<ConversionProgress>? ConversionProgress { get; init; }
}

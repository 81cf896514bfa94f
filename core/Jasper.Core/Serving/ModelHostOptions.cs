using Jasper.Core.Inference;

namespace Jasper.Core.Serving;

/// <summary>Where the model comes from and how it runs (configuration section <c>Jasper:Model</c>).</summary>
public sealed class ModelHostOptions
{
    /// <summary>A local model directory.</summary>
    public string? Path { get; set; }

    /// <summary>
    /// A model directory in blob storage, as <c>container/prefix</c> in the app's storage account (for example
    /// <c>models/jasper</c>): downloaded once per instance into <see cref="CacheDirectory"/> and verified.
    /// </summary>
    public string? Blob { get; set; }

    /// <summary>Where downloaded models are kept.</summary>
    public string CacheDirectory { get; set; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "jasper-models");

    /// <summary>How the encoder runs.</summary>
    public JasperEncoderOptions Encoder { get; set; } = new();

    /// <summary>How concurrent requests share inferences.</summary>
    public DynamicBatchingOptions Batching { get; set; } = new();
}

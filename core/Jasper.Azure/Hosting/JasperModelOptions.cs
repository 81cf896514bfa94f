using Jasper.Serving.Hosting;

namespace Jasper.Azure.Hosting;

/// <summary>The model host's options plus where the Functions app finds the model in its storage account (<c>Jasper:Model</c>).</summary>
public sealed class JasperModelOptions : ModelHostOptions
{
    /// <summary>
    /// A model directory in blob storage, as <c>container/prefix</c> in the app's storage account (for example
    /// <c>models/jasper</c>): downloaded once per instance into <see cref="CacheDirectory"/> and verified.
    /// Used when <see cref="ModelHostOptions.Path"/> is not set.
    /// </summary>
    public string? Blob { get; set; }

    /// <summary>Where downloaded models are kept.</summary>
    public string CacheDirectory { get; set; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "jasper-models");
}

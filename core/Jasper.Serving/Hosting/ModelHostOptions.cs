using Jasper.Embeddings.Inference;
using Jasper.Serving.Batching;

namespace Jasper.Serving.Hosting;

/// <summary>Where the model comes from and how it runs (configuration section <c>Jasper:Model</c>).</summary>
public class ModelHostOptions
{
    /// <summary>A local model directory; ignored when the host is given an <see cref="IModelSource"/>.</summary>
    public string? Path { get; set; }

    /// <summary>How the encoder runs.</summary>
    public JasperEncoderOptions Encoder { get; set; } = new();

    /// <summary>How concurrent requests share inferences.</summary>
    public DynamicBatchingOptions Batching { get; set; } = new();
}

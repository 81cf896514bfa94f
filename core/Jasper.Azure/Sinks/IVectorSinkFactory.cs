using Jasper.Ingestion.Sinks;

namespace Jasper.Azure.Sinks;

/// <summary>Creates the configured sink once the model (and so the vector width) is known.</summary>
internal interface IVectorSinkFactory
{
    /// <summary>The sink for vectors of <paramref name="dimensions"/> values.</summary>
    IVectorSink Create(int dimensions);
}

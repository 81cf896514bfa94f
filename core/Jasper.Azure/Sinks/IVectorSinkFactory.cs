using Jasper.Ingestion.Sinks;

namespace Jasper.Azure.Sinks;

/// <summary>Creates the configured sink once the model (and so the vector width) is known.</summary>
internal interface IVectorSinkFactory
{
    /// <summary>The sink for vectors of <paramref name="dimensions"/> values.</summary>
    IVectorSink Create(int dimensions);

    /// <summary>
    /// Removes a document from the configured sink (<see cref="IVectorSink.RemoveAsync"/>) without waiting for the
    /// model: removing needs no vector width.
    /// </summary>
    Task RemoveAsync(string documentId, CancellationToken cancellationToken);
}

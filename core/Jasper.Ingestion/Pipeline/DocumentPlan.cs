using Jasper.Ingestion.Extraction;
using Jasper.Ingestion.Policy;
using Jasper.Ingestion.Sinks;

namespace Jasper.Ingestion.Pipeline;

/// <summary>A document extracted and chunked, ready to embed: what every part of it needs to know.</summary>
public sealed record DocumentPlan
{
    /// <summary>The document and the version being written.</summary>
    public required DocumentDescriptor Document { get; init; }

    /// <summary>Its priority.</summary>
    public required IngestPriority Priority { get; init; }

    /// <summary>The ratio its chunks get (short chunks excepted), and why.</summary>
    public required CompressionDecision Ratio { get; init; }

    /// <summary>Its format.</summary>
    public FileFormat Format { get; init; }

    /// <summary>How many chunks it has.</summary>
    public int Chunks { get; init; }

    /// <summary>Tokens over all chunks.</summary>
    public long Tokens { get; init; }

    /// <summary>Whether the sink already holds this version (nothing to do).</summary>
    public bool Unchanged { get; init; }
}

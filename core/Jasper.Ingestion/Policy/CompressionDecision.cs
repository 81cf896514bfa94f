namespace Jasper.Ingestion.Policy;

/// <summary>The ratio chosen for one chunk and why.</summary>
/// <param name="Ratio">The ratio written into the chunk's record.</param>
/// <param name="Reason">A short explanation for logs and tests.</param>
public sealed record CompressionDecision(double Ratio, string Reason);

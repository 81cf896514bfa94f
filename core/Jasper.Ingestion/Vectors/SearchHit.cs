namespace Jasper.Ingestion.Vectors;

/// <summary>A record and its similarity to a query.</summary>
/// <param name="Score">Cosine similarity.</param>
/// <param name="Record">The record.</param>
public sealed record SearchHit(double Score, VectorRecord Record);

namespace Jasper.Ingestion.Sinks;

/// <summary>The document a sink writer receives records for.</summary>
/// <param name="DocumentId">Stable id (from the source).</param>
/// <param name="Source">Blob URI or file path.</param>
/// <param name="Version">Hash of the content and of everything that shapes its vectors; equal versions mean equal records.</param>
public sealed record DocumentDescriptor(string DocumentId, string Source, string Version);

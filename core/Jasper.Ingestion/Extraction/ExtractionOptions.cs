namespace Jasper.Ingestion.Extraction;

/// <summary>Limits on what extraction accepts.</summary>
public sealed class ExtractionOptions
{
    /// <summary>Largest plain-text document (streamed, so memory does not grow with it).</summary>
    public long MaxTextBytes { get; set; } = 1L << 30;

    /// <summary>Largest PDF, Word, HTML or Markdown document (these are parsed in memory).</summary>
    public long MaxParsedBytes { get; set; } = 64L << 20;
}

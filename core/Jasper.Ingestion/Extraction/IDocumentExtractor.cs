namespace Jasper.Ingestion.Extraction;

/// <summary>Turns one format into text blocks.</summary>
public interface IDocumentExtractor
{
    /// <summary>The format read.</summary>
    FileFormat Format { get; }

    /// <summary>The document's text blocks in reading order; failures are <see cref="DocumentException"/>s.</summary>
    IAsyncEnumerable<TextBlock> ExtractAsync(Stream content, CancellationToken cancellationToken = default);
}

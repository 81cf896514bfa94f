using System.Runtime.CompilerServices;

namespace Jasper.Ingestion.Extraction;

/// <summary>
/// Base of the extractors whose parsers need the whole document in memory (PDF, Word, HTML). Size limits are checked
/// before this point (<see cref="DocumentExtractor.DetectAsync"/>), so the buffer is bounded.
/// </summary>
internal abstract class BufferedDocumentExtractor : IDocumentExtractor
{
    /// <inheritdoc />
    public abstract FileFormat Format { get; }

    /// <inheritdoc />
    public async IAsyncEnumerable<TextBlock> ExtractAsync(Stream content, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var memory = new MemoryStream();
        await content.CopyToAsync(memory, cancellationToken).ConfigureAwait(false);
        memory.Position = 0;
        foreach (var block in Extract(memory))
        {
            yield return block;
        }
    }

    /// <summary>The blocks of a document held in <paramref name="content"/>.</summary>
    protected abstract IReadOnlyList<TextBlock> Extract(MemoryStream content);
}

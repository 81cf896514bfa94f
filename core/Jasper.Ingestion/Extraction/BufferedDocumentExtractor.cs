using System.Runtime.CompilerServices;

namespace Jasper.Ingestion.Extraction;

/// <summary>
/// Base of the extractors whose parsers need the whole document in memory (PDF, Word, HTML). The buffer is bounded:
/// <see cref="DocumentExtractor"/> refuses a document whose length is over the limit, and reads none further than it.
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

using Jasper.Ingestion.Chunking;

namespace Jasper.Ingestion.Pipeline;

/// <summary>
/// A temporary file holding one document's chunk set between chunking and embedding, so that the document's total
/// length is known before its first chunk is compressed, while memory holds only the chunks being embedded.
/// </summary>
internal sealed class ChunkSpool : IAsyncDisposable
{
    private readonly FileStream _file;

    public ChunkSpool(string? directory)
    {
        string path = Path.Combine(directory ?? Path.GetTempPath(), $"jasper-chunks-{Guid.NewGuid():N}.jsonl");
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
    }

    public int Count { get; private set; }

    public long Tokens { get; private set; }

    public async Task WriteAsync(TextChunk chunk, CancellationToken cancellationToken)
    {
        await ChunkSetSerializer.WriteAsync(_file, chunk, cancellationToken).ConfigureAwait(false);
        Count++;
        Tokens += chunk.Tokens;
    }

    /// <summary>The chunks in groups of at most <paramref name="size"/>, from the start.</summary>
    public async IAsyncEnumerable<List<TextChunk>> ReadGroupsAsync(int size, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
        _file.Position = 0;
        var group = new List<TextChunk>(size);
        await foreach (var chunk in ChunkSetSerializer.ReadAsync(_file, cancellationToken).ConfigureAwait(false))
        {
            group.Add(chunk);
            if (group.Count == size)
            {
                yield return group;
                group = new List<TextChunk>(size);
            }
        }

        if (group.Count > 0)
        {
            yield return group;
        }
    }

    public ValueTask DisposeAsync() => _file.DisposeAsync();
}

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

    public Task WriteAsync(TextChunk chunk, CancellationToken cancellationToken) => ChunkSetSerializer.WriteAsync(_file, chunk, cancellationToken);

    /// <summary>The chunks written, from the first.</summary>
    public async IAsyncEnumerable<TextChunk> ReadAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
        _file.Position = 0;
        await foreach (var chunk in ChunkSetSerializer.ReadAsync(_file, cancellationToken).ConfigureAwait(false))
        {
            yield return chunk;
        }
    }

    public ValueTask DisposeAsync() => _file.DisposeAsync();
}

using Jasper.Ingestion.Vectors;

namespace Jasper.Ingestion.Sinks;

/// <summary>
/// Vector records as JSON Lines in a local directory: <c>{document_id}.jsonl</c> per document. Parts wait in
/// <c>.jasper/{document_id}/{version}/</c>; commit joins them in chunk order into a temporary file that replaces the
/// document's file in one move, so the file always holds one whole version. The committed version is kept in
/// <c>.jasper/{document_id}.json</c>.
/// </summary>
public sealed class LocalDirectorySink : IVectorSink
{
    /// <summary>Subdirectory for state and parts.</summary>
    public const string StateDirectoryName = ".jasper";

    private readonly string _directory;

    /// <summary>Creates the sink (and the directory).</summary>
    public LocalDirectorySink(string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(StateDirectory);
    }

    private string StateDirectory => Path.Combine(_directory, StateDirectoryName);

    /// <summary>The records file of a document.</summary>
    public string RecordsPath(string documentId) => Path.Combine(_directory, documentId + ".jsonl");

    /// <inheritdoc />
    public async Task<string?> GetCommittedVersionAsync(string documentId, CancellationToken cancellationToken = default)
    {
        string path = StatePath(documentId);
        if (!File.Exists(path) || !File.Exists(RecordsPath(documentId)))
        {
            return null;
        }

        return DocumentState.Parse(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false))?.Version;
    }

    /// <inheritdoc />
    public async Task WritePartAsync(DocumentDescriptor document, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        string directory = PartsDirectory(document);
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, PartName.File(records[0].ChunkIndex));
        string temporary = path + ".tmp";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            foreach (var record in records)
            {
                await stream.WriteAsync(VectorRecordSerializer.ToJsonLine(record), cancellationToken).ConfigureAwait(false);
            }
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <inheritdoc />
    public async Task CommitAsync(DocumentDescriptor document, int chunkCount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        string directory = PartsDirectory(document);
        string joined = Path.Combine(StateDirectory, $"{document.DocumentId}.{document.Version}.jsonl.tmp");
        await using (var output = new FileStream(joined, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            var parts = Directory.Exists(directory) ? Directory.GetFiles(directory, PartName.FilePattern).Order(StringComparer.Ordinal) : Enumerable.Empty<string>();
            foreach (string part in parts)
            {
                await using var input = File.OpenRead(part);
                await input.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
            }
        }

        File.Move(joined, RecordsPath(document.DocumentId), overwrite: true);
        var state = new DocumentState(document.DocumentId, document.Source, document.Version, chunkCount);
        await File.WriteAllBytesAsync(StatePath(document.DocumentId), state.ToJson(), cancellationToken).ConfigureAwait(false);
        string documentParts = Path.Combine(StateDirectory, document.DocumentId);
        if (Directory.Exists(documentParts))
        {
            Directory.Delete(documentParts, recursive: true);
        }
    }

    /// <inheritdoc />
    public Task AbandonAsync(DocumentDescriptor document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        string directory = PartsDirectory(document);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        string documentParts = Path.GetDirectoryName(directory)!;
        if (Directory.Exists(documentParts) && !Directory.EnumerateFileSystemEntries(documentParts).Any())
        {
            Directory.Delete(documentParts);
        }

        return Task.CompletedTask;
    }

    private string StatePath(string documentId) => Path.Combine(StateDirectory, documentId + ".json");

    private string PartsDirectory(DocumentDescriptor document) => Path.Combine(StateDirectory, document.DocumentId, document.Version);
}

using Jasper.Ingestion.Vectors;

namespace Jasper.Ingestion.Sinks;

/// <summary>
/// Vector records as JSON Lines in a local directory: <c>{document_id}.jsonl</c> per document. Parts wait in
/// <c>.jasper/{document_id}/{version}/</c>; commit joins them in chunk order, each part starting where the one before
/// ended, into a temporary file that replaces the document's file in one move, so the file always holds one whole
/// version, each chunk once. The committed version is kept in
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
    /// <exception cref="InvalidOperationException">The version's parts do not hold its chunks one after another from
    /// the first to the last; nothing is committed.</exception>
    public async Task CommitAsync(DocumentDescriptor document, int chunkCount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        string directory = PartsDirectory(document);
        string joined = Path.Combine(StateDirectory, $"{document.DocumentId}.{document.Version}.jsonl.tmp");
        try
        {
            await using var output = new FileStream(joined, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            await PartWalk.FollowAsync(document, chunkCount, first => AppendPartAsync(directory, first, output, cancellationToken)).ConfigureAwait(false);
        }
        catch
        {
            File.Delete(joined);
            throw;
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

    // Appends the part that starts at chunk `first` (on the walk: PartWalk) to the joined file; its chunk count, or
    // null when there is no such part.
    private static async Task<int?> AppendPartAsync(string directory, int first, FileStream output, CancellationToken cancellationToken)
    {
        string part = Path.Combine(directory, PartName.File(first));
        if (!File.Exists(part))
        {
            return null;
        }

        byte[] records = await File.ReadAllBytesAsync(part, cancellationToken).ConfigureAwait(false);
        await output.WriteAsync(records, cancellationToken).ConfigureAwait(false);
        return records.AsSpan().Count((byte)'\n'); // a record a line
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

    /// <summary>The documents the directory holds: the state of each committed one, in no set order.</summary>
    public IReadOnlyList<DocumentState> GetDocuments() =>
        Directory.EnumerateFiles(StateDirectory, "*.json")
            .Select(path => DocumentState.Parse(File.ReadAllBytes(path)))
            .OfType<DocumentState>()
            .Where(state => File.Exists(RecordsPath(state.DocumentId)))
            .ToList();

    /// <inheritdoc />
    /// <remarks>Removes its records first (searches read them), then the parts of any version not committed, then its state.</remarks>
    /// <exception cref="ArgumentException"><paramref name="documentId"/> is not a file name.</exception>
    public Task RemoveAsync(string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(documentId);
        if (documentId != Path.GetFileName(documentId) || documentId is "." or "..")
        {
            throw new ArgumentException($"'{documentId}' is not a document id.", nameof(documentId));
        }

        // The records first: searches read them, and a state without records is no document (GetCommittedVersionAsync).
        File.Delete(RecordsPath(documentId));
        string parts = Path.Combine(StateDirectory, documentId);
        if (Directory.Exists(parts))
        {
            Directory.Delete(parts, recursive: true);
        }

        File.Delete(StatePath(documentId));
        return Task.CompletedTask;
    }

    private string StatePath(string documentId) => Path.Combine(StateDirectory, documentId + ".json");

    private string PartsDirectory(DocumentDescriptor document) => Path.Combine(StateDirectory, document.DocumentId, document.Version);
}

using Jasper.Core.Vectors;

namespace Jasper.Core.Sinks;

/// <summary>
/// Vector records as JSON Lines in a local directory: <c>{document_id}.jsonl</c> per document, written under
/// <c>.jasper/</c> first and moved into place on commit (so a document's file always holds one whole version),
/// with the committed version in <c>.jasper/{document_id}.json</c>.
/// </summary>
public sealed class LocalDirectorySink : IVectorSink
{
    /// <summary>Subdirectory for state and files being written.</summary>
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
    public Task<IVectorSinkWriter> OpenDocumentAsync(DocumentDescriptor document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        return Task.FromResult<IVectorSinkWriter>(new Writer(this, document));
    }

    private string StatePath(string documentId) => Path.Combine(StateDirectory, documentId + ".json");

    private sealed class Writer(LocalDirectorySink sink, DocumentDescriptor document) : IVectorSinkWriter
    {
        private readonly string _partial = Path.Combine(sink.StateDirectory, $"{document.DocumentId}.{Guid.NewGuid():N}.partial");
        private FileStream? _stream;
        private bool _committed;

        public async Task WriteAsync(IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken = default)
        {
            _stream ??= new FileStream(_partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            foreach (var record in records)
            {
                await _stream.WriteAsync(VectorRecordSerializer.ToJsonLine(record), cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task CommitAsync(int chunkCount, CancellationToken cancellationToken = default)
        {
            if (_stream is null)
            {
                await WriteAsync([], cancellationToken).ConfigureAwait(false);
            }

            await _stream!.FlushAsync(cancellationToken).ConfigureAwait(false);
            await _stream.DisposeAsync().ConfigureAwait(false);
            File.Move(_partial, sink.RecordsPath(document.DocumentId), overwrite: true);
            var state = new DocumentState(document.DocumentId, document.Source, document.Version, chunkCount);
            await File.WriteAllBytesAsync(sink.StatePath(document.DocumentId), state.ToJson(), cancellationToken).ConfigureAwait(false);
            _committed = true;
        }

        public async ValueTask DisposeAsync()
        {
            if (_stream is not null)
            {
                await _stream.DisposeAsync().ConfigureAwait(false);
            }

            if (!_committed)
            {
                File.Delete(_partial);
            }
        }
    }
}

using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Jasper.Azure.Storage;
using Jasper.Ingestion.Chunking;
using Jasper.Ingestion.Extraction;
using Jasper.Ingestion.Pipeline;
using Jasper.Ingestion.Policy;
using Jasper.Ingestion.Sinks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Jasper.Azure.Distribution;

/// <summary>
/// What the BlobIngest trigger does with an uploaded document: reads its priority and optional ratio from blob
/// metadata (<c>priority</c>, <c>compression_ratio</c>), extracts and chunks it, writes the chunk set to the work
/// container in parts, records the document as queued and puts one work item per part on the queue of its priority.
/// A document that cannot be ingested is recorded as failed with the reason (and not retried: it will not improve);
/// one deleted before it is planned is left alone, and one deleted while it is planned is recorded as removed and not
/// queued; storage errors propagate so the trigger retries.
/// </summary>
public sealed partial class BlobIngestion
{
    /// <summary>The container uploads go to (the BlobIngest trigger's, and the Event Grid subscriptions' filter).</summary>
    public const string DocumentsContainer = "documents";

    /// <summary>Blob metadata naming the priority.</summary>
    public const string PriorityMetadata = "priority";

    /// <summary>Blob metadata giving an explicit ratio.</summary>
    public const string RatioMetadata = "compression_ratio";

    private readonly DistributionContext _context;
    private readonly ILogger _logger;

    internal BlobIngestion(DistributionContext context, ILogger<BlobIngestion>? logger = null)
    {
        _context = context;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Plans an uploaded document and queues its parts; returns what was recorded.</summary>
    public async Task<DocumentProgress> IngestAsync(BlobClient blob, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        string source = blob.Uri.AbsoluteUri;
        BlobProperties properties;
        try
        {
            properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Deleted before it was planned: its deletion event removes whatever an earlier version left.
            LogGone(_logger, source);
            return new DocumentProgress { DocumentId = DocumentIds.FromSource(source), Source = source, State = DocumentProgressState.Removed };
        }

        var failed = new DocumentProgress { DocumentId = DocumentIds.FromSource(source), Source = source, State = DocumentProgressState.Failed };
        string? version = null;
        string? run = null;
        try
        {
            var document = new DocumentSource(source, blob.Name, ct => blob.OpenReadAsync(cancellationToken: ct), properties.ContentLength)
            {
                Priority = ReadPriority(properties.Metadata),
                CompressionRatio = ReadRatio(properties.Metadata),
            };
            var encoder = await _context.Host.WaitReadyAsync(cancellationToken).ConfigureAwait(false);
            var pipeline = _context.Pipeline(encoder, out _);
            var descriptor = await pipeline.DescribeAsync(document, cancellationToken).ConfigureAwait(false);
            version = descriptor.Version;
            var before = await _context.Status.ReadAsync(document.DocumentId, cancellationToken).ConfigureAwait(false);
            if (AlreadyRecorded(before, version))
            {
                // Event Grid delivers at least once (and the same bytes may be uploaded again): this version is
                // queued, complete or unchanged already, and planning it again would only duplicate its work.
                LogAlreadyRecorded(_logger, source, before!.Progress.State);
                return before.Progress;
            }

            await _context.Work.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            using var parts = new PartWriter(_context.Work, descriptor, _context.Options.PartSize);
            run = parts.RunFolder;
            var plan = await pipeline.PlanAsync(document, descriptor, parts.AddAsync, cancellationToken).ConfigureAwait(false);
            var progress = new DocumentProgress
            {
                DocumentId = document.DocumentId,
                Source = source,
                Version = version,
                State = plan.Unchanged ? DocumentProgressState.Unchanged : DocumentProgressState.Queued,
                Parts = parts.Count,
                Chunks = plan.Chunks,
                Tokens = plan.Tokens,
            };
            var items = plan.Unchanged ? [] : await parts.FlushAsync(plan, cancellationToken).ConfigureAwait(false);
            var (written, recorded, replaced) = await RecordAsync(progress, before, cancellationToken).ConfigureAwait(false);
            if (!written)
            {
                // Another delivery recorded this version while this one planned: its run is the one that counts.
                await _context.Work.DeleteBlobsAsync(parts.RunFolder, select: null, cancellationToken).ConfigureAwait(false);
                LogAlreadyRecorded(_logger, source, recorded.State);
                return recorded;
            }

            if (replaced is { State: DocumentProgressState.Queued, Version: string superseded } && superseded != version)
            {
                // The superseded version's items will be dropped by the workers; its chunk sets are not needed.
                await _context.Work.DeleteBlobsAsync(WorkBlobs.Version(document.DocumentId, superseded), select: null, cancellationToken).ConfigureAwait(false);
            }

            if (!await blob.ExistsAsync(cancellationToken).ConfigureAwait(false))
            {
                // Deleted while it was planned, and its removal (DocumentRemoval) may have read the status before this
                // recorded it: removed it stays, and nothing is queued. A removal that comes later finds it removed.
                await _context.Status.MarkRemovedAsync(document.DocumentId, cancellationToken).ConfigureAwait(false);
                await _context.Work.DeleteBlobsAsync(parts.RunFolder, select: null, cancellationToken).ConfigureAwait(false);
                LogDeletedWhilePlanned(_logger, source);
                return progress with { State = DocumentProgressState.Removed };
            }

            if (plan.Unchanged)
            {
                _context.Metrics.DocumentEnded(DocumentStatus.Unchanged);
                return progress;
            }

            var queue = _context.Queues.GetQueueClient(WorkQueues.For(document.Priority));
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var item in items)
            {
                await queue.SendMessageAsync(item.Encode(), cancellationToken).ConfigureAwait(false);
            }

            LogQueued(_logger, source, plan.Chunks, items.Count, queue.Name);
            return progress;
        }
        catch (DocumentException ex)
        {
            if (run is not null)
            {
                await _context.Work.DeleteBlobsAsync(run, select: null, cancellationToken).ConfigureAwait(false); // parts uploaded before it failed
            }

            var progress = failed with { Version = version, Error = ex.Reason };
            var (written, recorded, _) = await RecordAsync(progress, await _context.Status.ReadAsync(failed.DocumentId, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            LogRejected(_logger, source, ex.Reason);
            if (written)
            {
                _context.Metrics.DocumentEnded(DocumentStatus.Failed, ex.Kind);
            }

            return recorded;
        }
    }

    // Whether the status already records this version as being embedded or embedded.
    private static bool AlreadyRecorded(RecordedProgress? recorded, string version) =>
        recorded is { Progress.State: DocumentProgressState.Queued or DocumentProgressState.Complete or DocumentProgressState.Unchanged }
        && recorded.Progress.Version == version;

    // Writes the status over what was read; when another delivery wrote first, reads again and yields to it if it
    // recorded the same version, or writes over it otherwise. Returns whether this delivery wrote (another's equal
    // record is still another's: its run is the one queued), what the row holds now, and what it replaced.
    private async Task<(bool Written, DocumentProgress Recorded, DocumentProgress? Replaced)> RecordAsync(DocumentProgress progress, RecordedProgress? before, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (progress.Version is string version && AlreadyRecorded(before, version))
            {
                return (false, before!.Progress, null);
            }

            if (await _context.Status.TryWriteAsync(progress, before, cancellationToken).ConfigureAwait(false))
            {
                return (true, progress, before?.Progress);
            }

            before = await _context.Status.ReadAsync(progress.DocumentId, cancellationToken).ConfigureAwait(false);
        }
    }

    private static IngestPriority ReadPriority(IDictionary<string, string> metadata) =>
        !metadata.TryGetValue(PriorityMetadata, out string? text) ? IngestPriority.Normal
        : IngestPriorities.TryParse(text, out var priority) ? priority
        : throw new DocumentException(DocumentErrorKind.Failed, $"blob metadata priority='{text}' must be high, normal or low");

    private double? ReadRatio(IDictionary<string, string> metadata) =>
        !metadata.TryGetValue(RatioMetadata, out string? text) ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double ratio) && _context.Ingestion.Compression.AllowsExplicit(ratio) ? ratio
        : throw new DocumentException(DocumentErrorKind.Failed, $"blob metadata compression_ratio='{text}' must be a number {_context.Ingestion.Compression.ExplicitRange}");

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued {Source}: {Chunks} chunks in {Parts} parts on {Queue}")]
    private static partial void LogQueued(ILogger logger, string source, int chunks, int parts, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected {Source}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string source, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped {Source}: it was deleted while it was planned")]
    private static partial void LogDeletedWhilePlanned(ILogger logger, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Left {Source} alone: it was deleted before it was planned")]
    private static partial void LogGone(ILogger logger, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Left {Source} alone: this version is already {State} (the event was delivered again, or the same bytes uploaded)")]
    private static partial void LogAlreadyRecorded(ILogger logger, string source, DocumentProgressState state);

    // Collects chunks into parts of the configured size and uploads each as a chunk-set blob, under a folder of its
    // own run (so a concurrent run of the same document never mixes its parts with these) inside the version's.
    private sealed class PartWriter(BlobContainerClient work, DocumentDescriptor document, int partSize) : IDisposable
    {
        private readonly List<(string Blob, int First, int Count)> _parts = [];
        private readonly MemoryStream _buffer = new();
        private readonly string _run = Guid.NewGuid().ToString("N");
        private int _first;
        private int _count;

        public int Count => _parts.Count + (_count > 0 ? 1 : 0);

        public string RunFolder => WorkBlobs.Run(document.DocumentId, document.Version, _run);

        public async Task AddAsync(TextChunk chunk, CancellationToken cancellationToken)
        {
            if (_count == 0)
            {
                _first = chunk.Index;
            }

            await ChunkSetSerializer.WriteAsync(_buffer, chunk, cancellationToken).ConfigureAwait(false);
            if (++_count == partSize)
            {
                await UploadAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task<List<WorkItem>> FlushAsync(DocumentPlan plan, CancellationToken cancellationToken)
        {
            if (_count > 0)
            {
                await UploadAsync(cancellationToken).ConfigureAwait(false);
            }

            var items = _parts.Select(p => new WorkItem
            {
                DocumentId = plan.Document.DocumentId,
                Version = plan.Document.Version,
                Source = plan.Document.Source,
                ChunkSet = p.Blob,
                FirstChunk = p.First,
                ChunkCount = p.Count,
                TotalChunks = plan.Chunks,
                Parts = _parts.Count,
                Priority = plan.Priority.ToName(),
                Ratio = plan.Ratio.Ratio,
            }).ToList();
            var manifest = work.GetBlobClient(WorkBlobs.Manifest(document.DocumentId, document.Version, _run));
            await manifest.UploadAsync(BinaryData.FromString(string.Join('\n', items.Select(i => i.Encode())) + "\n"), overwrite: true, cancellationToken).ConfigureAwait(false);
            return items;
        }

        private async Task UploadAsync(CancellationToken cancellationToken)
        {
            string name = WorkBlobs.Part(document.DocumentId, document.Version, _run, _first);
            _buffer.Position = 0;
            await work.GetBlobClient(name).UploadAsync(_buffer, overwrite: true, cancellationToken).ConfigureAwait(false);
            _parts.Add((name, _first, _count));
            _buffer.SetLength(0);
            _count = 0;
        }

        public void Dispose() => _buffer.Dispose();
    }
}

using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Jasper.Azure.Storage;
using Jasper.Ingestion.Pipeline;
using Jasper.Ingestion.Sinks;

namespace Jasper.Azure.Distribution;

/// <summary>
/// Document status in Azure Table storage, one partition per document: a <c>document</c> row with the state, one
/// row per embedded part of the current version, and an outbox row per completion or removal event not yet sent. A
/// removed document's row says whether its removal finished (<see cref="FinishRemovalAsync"/>), so that the
/// reconciliation finishes one that failed part way. Parts record
/// themselves idempotently. Every write of the
/// document row is conditional on the row it replaces (its ETag, or its absence), so a delivery that read the row
/// before another changed it cannot overwrite that change: exactly one worker completes a document, and a late
/// delivery never re-opens one, however deliveries interleave.
/// </summary>
internal sealed class DocumentStatusStore
{
    private const string DocumentRow = "document";
    private const string OutboxPrefix = "event-";
    private const string OutboxEnd = "event.";
    private const string EventProperty = "Event";
    private const string RemovedProperty = "Removed";

    // On a document row marked removed until its removal has deleted everything and recorded its event.
    private const string RemovalPendingProperty = "RemovalPending";

    private readonly TableClient _table;
    private readonly CreateOnFirstUse _created;

    /// <summary>Creates the store over a table (created on first use).</summary>
    public DocumentStatusStore(TableClient table)
    {
        _table = table;
        _created = new CreateOnFirstUse(token => _table.CreateIfNotExistsAsync(token));
    }

    /// <summary>The status of a document, or null when none is recorded.</summary>
    public async Task<DocumentProgress?> GetAsync(string documentId, CancellationToken cancellationToken = default) =>
        (await ReadAsync(documentId, cancellationToken).ConfigureAwait(false))?.Progress;

    /// <summary>The status of a document with the row's ETag, for a write conditional on it; null when none is recorded.</summary>
    public async Task<RecordedProgress?> ReadAsync(string documentId, CancellationToken cancellationToken = default)
    {
        await _created.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var entity = await _table.GetEntityIfExistsAsync<TableEntity>(documentId, DocumentRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        return entity.HasValue ? Recorded(entity.Value!) : null;
    }

    /// <summary>Every document recorded as queued (a sweep's scan of the table).</summary>
    public async Task<List<RecordedProgress>> QueuedAsync(CancellationToken cancellationToken = default)
    {
        await _created.EnsureAsync(cancellationToken).ConfigureAwait(false);
        string filter = DocumentRows(TableClient.CreateQueryFilter($"State eq {nameof(DocumentProgressState.Queued)}"));
        var queued = new List<RecordedProgress>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            queued.Add(Recorded(entity));
        }

        return queued;
    }

    /// <summary>
    /// One page (at most <paramref name="pageSize"/>) of the documents a reconciliation checks for removal: those not
    /// removed, and those whose removal did not finish. From <paramref name="continuation"/> (null: the first page), with
    /// where the next page starts (null after the last), so that the reconciliation saves its place between pages. A
    /// page may be empty and still not the last.
    /// </summary>
    public async Task<(List<RecordedProgress> Documents, string? Next)> RemovalCandidatesPageAsync(string? continuation, int pageSize, CancellationToken cancellationToken = default)
    {
        await _created.EnsureAsync(cancellationToken).ConfigureAwait(false);
        string candidates = $"({TableClient.CreateQueryFilter($"State ne {nameof(DocumentProgressState.Removed)}")} or {RemovalPendingProperty} eq true)";
        var (rows, next) = await _table.QueryAsync<TableEntity>(DocumentRows(candidates), pageSize, cancellationToken: cancellationToken).PageAsync(continuation, pageSize).ConfigureAwait(false);
        return ([.. rows.Select(Recorded)], next);
    }

    // The filter of the document rows (not part or outbox rows) that stateFilter picks.
    private static string DocumentRows(string stateFilter) => $"{TableClient.CreateQueryFilter($"RowKey eq {DocumentRow}")} and {stateFilter}";

    /// <summary>The first chunks of a version's parts recorded as embedded, and when the last of them was recorded.</summary>
    public async Task<(HashSet<int> FirstChunks, DateTimeOffset? LastWritten)> PartsDoneAsync(string documentId, string version, CancellationToken cancellationToken = default)
    {
        await _created.EnsureAsync(cancellationToken).ConfigureAwait(false);
        string prefix = PartRowPrefix(version);
        string filter = PartRows(documentId, version);
        var done = new HashSet<int>();
        DateTimeOffset? last = null;
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            done.Add(PartName.FirstChunkOf(entity.RowKey[prefix.Length..]));
            last = last is null || entity.Timestamp > last ? entity.Timestamp : last;
        }

        return (done, last);
    }

    /// <summary>
    /// Records a status if the row is still <paramref name="replacing"/> (as read, or still absent when null); false,
    /// writing nothing, when another writer changed it since.
    /// </summary>
    public Task<bool> TryWriteAsync(DocumentProgress progress, RecordedProgress? replacing, CancellationToken cancellationToken = default) =>
        TryWriteAsync(progress, replacing, removalPending: false, cancellationToken);

    private async Task<bool> TryWriteAsync(DocumentProgress progress, RecordedProgress? replacing, bool removalPending, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        await _created.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(progress.DocumentId, DocumentRow)
        {
            ["Source"] = progress.Source,
            ["Version"] = progress.Version,
            ["State"] = progress.State.ToString(),
            ["Parts"] = progress.Parts,
            ["Chunks"] = progress.Chunks,
            ["Tokens"] = progress.Tokens,
            ["Error"] = progress.Error,
            ["Requeues"] = progress.Requeues,
        };
        if (removalPending)
        {
            entity[RemovalPendingProperty] = true;
        }

        try
        {
            if (replacing is null)
            {
                await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _table.UpdateEntityAsync(entity, replacing.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412 or 404)
        {
            return false; // added, changed or removed by another writer since it was read
        }
    }

    /// <summary>
    /// Moves the document from queued to failed with <paramref name="reason"/> if it is still queued at this version;
    /// false when it is not (completed, failed or superseded meanwhile), and then nothing is written.
    /// </summary>
    public async Task<bool> MarkFailedAsync(string documentId, string version, string reason, CancellationToken cancellationToken = default)
    {
        var current = await ReadAsync(documentId, cancellationToken).ConfigureAwait(false);
        return current is { Progress.State: DocumentProgressState.Queued } && current.Progress.Version == version
            && await TryWriteAsync(current.Progress with { State = DocumentProgressState.Failed, Error = reason }, current, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Moves the document to removed, whatever its state or version, retrying over writers that changed the row since
    /// it was read, with its removal pending until <see cref="FinishRemovalAsync"/>. Returns what the row held before
    /// (null, writing nothing, when no status is recorded), and whether it was removed already with its removal left
    /// unfinished; a row removed already is left as it is.
    /// </summary>
    public async Task<(DocumentProgress? Before, bool Unfinished)> MarkRemovedAsync(string documentId, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var current = await ReadAsync(documentId, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                return (null, false);
            }

            if (current.Progress.State == DocumentProgressState.Removed)
            {
                return (current.Progress, current.RemovalPending);
            }

            if (await TryWriteAsync(current.Progress with { State = DocumentProgressState.Removed, Error = null }, current, removalPending: true, cancellationToken).ConfigureAwait(false))
            {
                return (current.Progress, false);
            }
        }
    }

    /// <summary>Records a part as embedded and returns how many parts of its version are done, with their totals.</summary>
    public async Task<(int PartsDone, PartReport Totals)> CompletePartAsync(WorkItem item, PartReport part, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(part);
        await _created.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var row = new TableEntity(item.DocumentId, PartRow(item.Version, item.FirstChunk))
        {
            ["Chunks"] = part.Chunks,
            ["Tokens"] = part.Tokens,
            ["CompressedTokens"] = part.CompressedTokens,
            ["RatioSum"] = part.RatioSum,
        };
        await _table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);

        string filter = PartRows(item.DocumentId, item.Version);
        var done = PartReport.Empty;
        int parts = 0;
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            parts++;
            done = done.Add(new PartReport(entity.GetInt32("Chunks") ?? 0, entity.GetInt64("Tokens") ?? 0, entity.GetInt64("CompressedTokens") ?? 0, entity.GetDouble("RatioSum") ?? 0));
        }

        return (parts, done);
    }

    /// <summary>
    /// Moves the document from queued to complete if it is still at this version, and in the same transaction adds
    /// <paramref name="embedded"/> to the document's outbox (sent, then removed, by <see cref="DocumentEventOutbox"/>):
    /// a completion is never recorded without its event. True for the one caller that makes the move.
    /// </summary>
    public async Task<bool> MarkCompleteAsync(string documentId, string version, PartReport totals, DocumentEmbeddedEvent embedded, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(totals);
        ArgumentNullException.ThrowIfNull(embedded);
        await _created.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var current = await _table.GetEntityIfExistsAsync<TableEntity>(documentId, DocumentRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!current.HasValue || current.Value!.GetString("Version") != version || current.Value.GetString("State") != nameof(DocumentProgressState.Queued))
        {
            return false;
        }

        var entity = current.Value;
        entity["State"] = nameof(DocumentProgressState.Complete);
        entity["Tokens"] = totals.Tokens;
        entity["CompressedTokens"] = totals.CompressedTokens;
        var outbox = new TableEntity(documentId, OutboxRow(version)) { [EventProperty] = Encoding.UTF8.GetString(embedded.ToJson()) };
        try
        {
            await _table.SubmitTransactionAsync(
                [new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, entity.ETag), new TableTransactionAction(TableTransactionActionType.Add, outbox)],
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 409)
        {
            return false; // another worker completed it first
        }
    }

    /// <summary>
    /// Records that the removal of a recorded document finished (its records and chunk sets are deleted), and in the
    /// same transaction adds <paramref name="removed"/> to its outbox (sent, then removed, by
    /// <see cref="DocumentEventOutbox"/>): a removal is never finished without its event. Finishing the same removal
    /// again changes nothing.
    /// </summary>
    public async Task FinishRemovalAsync(DocumentRemovedEvent removed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(removed);
        await _created.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var outbox = new TableEntity(removed.DocumentId, RemovedOutboxRow(removed.RemovalId)) { [RemovedProperty] = Encoding.UTF8.GetString(removed.ToJson()) };
        var finished = new TableEntity(removed.DocumentId, DocumentRow) { [RemovalPendingProperty] = false };

        // Merged whatever the row holds now: an upload planned since replaced the row, and its state stays.
        await _table.SubmitTransactionAsync(
            [new TableTransactionAction(TableTransactionActionType.UpsertReplace, outbox), new TableTransactionAction(TableTransactionActionType.UpdateMerge, finished, ETag.All)],
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The events not yet sent: of one document, or (for a sweep) of every document.</summary>
    public async Task<List<PendingEvent>> PendingEventsAsync(string? documentId, CancellationToken cancellationToken = default)
    {
        await _created.EnsureAsync(cancellationToken).ConfigureAwait(false);
        string rows = TableClient.CreateQueryFilter($"RowKey ge {OutboxPrefix} and RowKey lt {OutboxEnd}");
        string filter = documentId is null ? rows : $"{TableClient.CreateQueryFilter($"PartitionKey eq {documentId}")} and {rows}";
        var events = new List<PendingEvent>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            events.Add(entity.GetString(RemovedProperty) is string removed
                ? new PendingEvent(entity.PartitionKey, entity.RowKey, Removed: DocumentRemovedEvent.FromJson(Encoding.UTF8.GetBytes(removed)))
                : new PendingEvent(entity.PartitionKey, entity.RowKey, Embedded: DocumentEmbeddedEvent.FromJson(Encoding.UTF8.GetBytes(entity.GetString(EventProperty) ?? "null"))));
        }

        return events;
    }

    /// <summary>Removes a sent event from its document's outbox.</summary>
    public async Task RemoveSentEventAsync(PendingEvent sent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sent);
        await _created.EnsureAsync(cancellationToken).ConfigureAwait(false);
        await _table.DeleteEntityAsync(sent.DocumentId, sent.Row, ETag.All, cancellationToken).ConfigureAwait(false);
    }

    // A removal's outbox row: named by a hash of the removal id (an Event Grid event id may hold characters a row key
    // may not), and apart from completions' rows ("removed-" is not hex).
    private static string RemovedOutboxRow(string removalId) =>
        $"{OutboxPrefix}removed-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(removalId)))[..32]}";

    // Outbox rows sort apart from part rows (versions are hex; "event-" is not) and from the document row.
    private static string OutboxRow(string version) => OutboxPrefix + version;

    // Part rows sort after the document row and group by version, so one range query reads a version's parts.
    private static string PartRowPrefix(string version) => $"{version}-";

    private static string PartRow(string version, int firstChunk) => PartRowPrefix(version) + PartName.Of(firstChunk);

    // The range query of a version's part rows ("{version}-" up to, not including, "{version}.").
    private static string PartRows(string documentId, string version) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {documentId} and RowKey ge {PartRowPrefix(version)} and RowKey lt {version + "."}");

    private static DocumentProgress ToProgress(TableEntity entity) => new()
    {
        DocumentId = entity.PartitionKey,
        Source = entity.GetString("Source") ?? string.Empty,
        Version = entity.GetString("Version"),
        State = Enum.Parse<DocumentProgressState>(entity.GetString("State") ?? nameof(DocumentProgressState.Failed)),
        Parts = entity.GetInt32("Parts") ?? 0,
        Chunks = entity.GetInt32("Chunks") ?? 0,
        Tokens = entity.GetInt64("Tokens") ?? 0,
        Error = entity.GetString("Error"),
        Requeues = entity.GetInt32("Requeues") ?? 0,
    };

    private static RecordedProgress Recorded(TableEntity entity) =>
        new(ToProgress(entity), entity.ETag, entity.Timestamp, entity.GetBoolean(RemovalPendingProperty) ?? false);
}

using Azure;
using Azure.Data.Tables;
using Jasper.Azure.Storage;

namespace Jasper.Azure.Distribution;

/// <summary>
/// Where the reconciliation saves its <see cref="ReconcileCursor"/>: one row of the status table, in a partition no
/// document has (document ids are hex). Every write is conditional on the row as read, so two runs that overlap (a
/// timer's lease lost, a run started by hand) cannot both move the cursor: the second learns it and stops.
/// </summary>
internal sealed class ReconcileCheckpoint
{
    private const string Partition = "reconciliation";
    private const string Row = "cursor";

    private readonly TableClient _table;
    private readonly CreateOnFirstUse _created;

    /// <summary>Creates the checkpoint over the status table (created on first use).</summary>
    public ReconcileCheckpoint(TableClient table)
    {
        _table = table;
        _created = new CreateOnFirstUse(token => _table.CreateIfNotExistsAsync(token));
    }

    /// <summary>The saved cursor with its row's ETag; null (and a default ETag) before the first reconciliation.</summary>
    public async Task<(ReconcileCursor? Cursor, ETag ETag)> ReadAsync(CancellationToken cancellationToken = default)
    {
        await _created.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, Row, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue)
        {
            return (null, default);
        }

        var entity = row.Value!;
        var cursor = new ReconcileCursor(
            entity.GetDateTimeOffset(nameof(ReconcileCursor.Started)) ?? DateTimeOffset.MinValue,
            Enum.Parse<ReconcilePass>(entity.GetString(nameof(ReconcileCursor.Pass)) ?? nameof(ReconcilePass.Removals)),
            entity.GetString(nameof(ReconcileCursor.Continuation)),
            entity.GetDateTimeOffset(nameof(ReconcileCursor.Finished)),
            entity.GetInt32(nameof(ReconcileCursor.Removed)) ?? 0,
            entity.GetInt32(nameof(ReconcileCursor.Planned)) ?? 0);
        return (cursor, entity.ETag);
    }

    /// <summary>
    /// Saves <paramref name="cursor"/> if the row is still as read (<paramref name="replacing"/>; the default ETag when
    /// there was none) and returns the row's new ETag; null, saving nothing, when another run wrote it since.
    /// </summary>
    public async Task<ETag?> TryWriteAsync(ReconcileCursor cursor, ETag replacing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        await _created.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(Partition, Row)
        {
            [nameof(ReconcileCursor.Started)] = cursor.Started,
            [nameof(ReconcileCursor.Pass)] = cursor.Pass.ToString(),
            [nameof(ReconcileCursor.Continuation)] = cursor.Continuation,
            [nameof(ReconcileCursor.Finished)] = cursor.Finished,
            [nameof(ReconcileCursor.Removed)] = cursor.Removed,
            [nameof(ReconcileCursor.Planned)] = cursor.Planned,
        };
        try
        {
            var written = replacing == default
                ? await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false)
                : await _table.UpdateEntityAsync(entity, replacing, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return written.Headers.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412 or 404)
        {
            return null; // another run added, moved or removed the cursor since this one read it
        }
    }
}

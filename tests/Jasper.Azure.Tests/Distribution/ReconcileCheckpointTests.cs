using Azure.Data.Tables;
using Jasper.Azure.Distribution;
using Jasper.TestSupport;

namespace Jasper.Azure.Tests.Distribution;

/// <summary>The reconciliation's saved place, against Azurite, and how a cursor moves through the passes.</summary>
public sealed class ReconcileCheckpointTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 30, 3, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_cursor_reads_back_as_written_and_only_the_run_that_read_it_last_can_move_it()
    {
        var table = new TableServiceClient(azurite.Emulator.ConnectionString).GetTableClient("status" + Guid.NewGuid().ToString("N")[..12]);
        var checkpoint = new ReconcileCheckpoint(table);
        var (none, absent) = await checkpoint.ReadAsync();
        Assert.Null(none);

        var started = ReconcileCursor.Start(Monday);
        var first = await checkpoint.TryWriteAsync(started, absent);
        Assert.NotNull(first);
        Assert.Null(await checkpoint.TryWriteAsync(started, absent)); // another run that also found none

        var (read, etag) = await checkpoint.ReadAsync();
        Assert.Equal(started, read);
        var moved = started.After(3, "1!8!ZG9jdW1lbnQ-", Monday.AddMinutes(1));
        Assert.NotNull(await checkpoint.TryWriteAsync(moved, etag));
        Assert.Null(await checkpoint.TryWriteAsync(moved.After(1, null, Monday), etag)); // the run that read it before the move
        Assert.Equal(moved, (await checkpoint.ReadAsync()).Cursor);

        var statuses = new DocumentStatusStore(table); // the cursor shares the status table and is no document
        Assert.Empty((await statuses.RemovalCandidatesPageAsync(null, 10)).Documents);
        Assert.Empty(await statuses.QueuedAsync());
        Assert.Empty(await statuses.PendingEventsAsync(null));
    }

    [Fact]
    public void A_cursor_counts_each_page_in_its_pass_and_moves_to_uploads_then_to_finished()
    {
        var cursor = ReconcileCursor.Start(Monday).After(2, "next", Monday);
        Assert.Equal((ReconcilePass.Removals, "next", 2, 0), (cursor.Pass, cursor.Continuation, cursor.Removed, cursor.Planned));

        cursor = cursor.After(1, null, Monday);
        Assert.Equal((ReconcilePass.Uploads, null, 3, 0), (cursor.Pass, cursor.Continuation, cursor.Removed, cursor.Planned));
        Assert.Null(cursor.Finished);

        cursor = cursor.After(4, "blob marker", Monday).After(0, null, Monday.AddHours(2));
        Assert.Equal((ReconcilePass.Uploads, null, 3, 4), (cursor.Pass, cursor.Continuation, cursor.Removed, cursor.Planned));
        Assert.Equal(Monday.AddHours(2), cursor.Finished);
        Assert.Equal(Monday, cursor.Started);
    }
}

using Azure;
using Azure.Data.Tables;
using Jasper.Azure.Distribution;
using Jasper.TestSupport;

namespace Jasper.Azure.Tests.Distribution;

/// <summary>The status store against Azurite.</summary>
public sealed class DocumentStatusStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task A_transient_failure_creating_the_table_at_start_up_is_retried_on_the_next_use()
    {
        var outage = new FailFirstRequests(1);
        var table = new TableServiceClient(azurite.Emulator.ConnectionString, FailFirstRequests.Options(new TableClientOptions(), outage))
            .GetTableClient("status" + Guid.NewGuid().ToString("N")[..12]);
        var store = new DocumentStatusStore(table);

        await Assert.ThrowsAsync<RequestFailedException>(() => store.GetAsync("doc1"));
        Assert.Null(await store.GetAsync("doc1")); // the table is created now; one failure did not break the store

        Assert.Equal(1, outage.Failed);
    }
}

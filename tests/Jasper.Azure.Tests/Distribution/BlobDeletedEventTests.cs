using System.Text;
using Jasper.Azure.Distribution;

namespace Jasper.Azure.Tests.Distribution;

/// <summary>Queue messages as Event Grid writes them (the documented event shapes; Event Grid cannot run here).</summary>
public sealed class BlobDeletedEventTests
{
    private const string Deleted = """
        {"topic":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct",
         "subject":"/blobServices/default/containers/documents/blobs/reports/2026/q3 summary.pdf",
         "eventType":"Microsoft.Storage.BlobDeleted","id":"1","eventTime":"2026-11-29T01:00:00Z",
         "data":{"api":"DeleteBlob","url":"https://acct.blob.core.windows.net/documents/reports/2026/q3%20summary.pdf","blobType":"BlockBlob"},
         "dataVersion":"","metadataVersion":"1"}
        """;

    [Fact]
    public void Event_grid_schema_as_json_names_the_container_and_the_blob_as_it_is()
    {
        var deletion = Assert.Single(BlobDeletedEvent.Parse(Deleted));

        Assert.Equal(new BlobDeletedEvent("documents", "reports/2026/q3 summary.pdf", "1"), deletion);
    }

    [Fact]
    public void The_percent_encoded_url_names_the_blob_where_the_subject_mangled_it()
    {
        const string message = """
            {"eventType":"Microsoft.Storage.BlobDeleted","subject":"/blobServices/default/containers/documents/blobs/notes \uFFFD\uFFFD.txt",
             "data":{"url":"https://acct.blob.core.windows.net/documents/team%20notes/%F0%9F%92%8E%2B1.txt"}}
            """;

        Assert.Equal(new BlobDeletedEvent("documents", "team notes/💎+1.txt", null), Assert.Single(BlobDeletedEvent.Parse(message)));
    }

    [Fact]
    public void Azurite_urls_name_the_account_in_the_path_and_are_read_too()
    {
        const string message = """
            {"eventType":"Microsoft.Storage.BlobDeleted","subject":"/blobServices/default/containers/documents/blobs/a.txt",
             "data":{"url":"http://127.0.0.1:10000/devstoreaccount1/documents/a.txt"}}
            """;

        Assert.Equal(new BlobDeletedEvent("documents", "a.txt", null), Assert.Single(BlobDeletedEvent.Parse(message)));
    }

    [Fact]
    public void Event_grid_schema_as_base64_of_json_reads_the_same()
    {
        string base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(Deleted));

        Assert.Equal(BlobDeletedEvent.Parse(Deleted), BlobDeletedEvent.Parse(base64));
    }

    [Fact]
    public void Cloud_events_schema_and_arrays_of_events_are_read_and_other_event_types_left_out()
    {
        const string message = """
            [{"specversion":"1.0","type":"Microsoft.Storage.BlobDeleted","source":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct",
              "subject":"/blobServices/default/containers/documents/blobs/a.txt","id":"1","time":"2026-11-29T01:00:00Z","data":{}},
             {"specversion":"1.0","type":"Microsoft.Storage.BlobCreated","source":"s","subject":"/blobServices/default/containers/documents/blobs/b.txt","id":"2","data":{}},
             {"specversion":"1.0","type":"Microsoft.Storage.BlobDeleted","source":"s","subject":"/blobServices/default/containers/documents/blobs/dir/blobs/c.txt","id":"3","data":{}}]
            """;

        Assert.Equal([new BlobDeletedEvent("documents", "a.txt", "1"), new BlobDeletedEvent("documents", "dir/blobs/c.txt", "3")], BlobDeletedEvent.Parse(message));
    }

    [Theory]
    [InlineData("plain text, not an event", "neither JSON nor base64")]
    [InlineData("{\"subject\": 1", "not an Event Grid event")]
    [InlineData("[1, 2]", "a JSON Number where an event object belongs")]
    [InlineData("{\"subject\": \"/blobServices/default/containers/documents/blobs/a.txt\"}", "neither eventType nor type")]
    [InlineData("{\"eventType\": \"Microsoft.Storage.BlobDeleted\", \"subject\": \"/blobServices/default/containers/documents\"}", "does not name a blob")]
    [InlineData("{\"eventType\": \"Microsoft.Storage.BlobDeleted\", \"subject\": \"/blobServices/default/containers/documents/blobs/\"}", "does not name a blob")]
    [InlineData("{\"eventType\": \"Microsoft.Storage.BlobDeleted\"}", "does not name a blob")]
    public void A_message_that_is_not_a_deletion_event_is_refused_with_the_reason(string message, string reason)
    {
        var error = Assert.Throws<FormatException>(() => BlobDeletedEvent.Parse(message));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}

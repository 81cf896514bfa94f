using Jasper.Ingestion.Extraction;
using Jasper.Ingestion.Pipeline;
using Jasper.TestSupport;

namespace Jasper.Ingestion.Tests.Pipeline;

public sealed class DocumentSourceTests
{
    [Fact]
    public async Task A_file_deleted_after_it_was_listed_is_that_documents_unreadable_failure()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("note.txt");
        await File.WriteAllTextAsync(path, "Here when listed.");
        var source = DocumentSource.FromFile(path); // listing a file reads nothing yet
        Assert.Equal(17, source.Length);

        File.Delete(path);

        var error = await Assert.ThrowsAsync<DocumentException>(() => source.Open(CancellationToken.None));
        Assert.Equal(DocumentErrorKind.Unreadable, error.Kind);
        Assert.Equal("unreadable: the file is gone or cannot be read", error.Reason);
    }

    [Fact]
    public void Listing_a_path_that_is_already_gone_does_not_throw()
    {
        using var dir = new TempDirectory();
        var source = DocumentSource.FromFile(dir.Combine("never-there.txt"));
        Assert.Null(source.Length);
    }

    [Fact]
    public async Task A_link_is_measured_by_what_it_names_and_nothing_of_no_size_is_opened()
    {
        using var dir = new TempDirectory();
        string link = dir.Combine("zero.txt");
        File.CreateSymbolicLink(link, "/dev/zero");

        var source = DocumentSource.FromFile(link);

        Assert.Equal(0, source.Length); // the device's size, not the link's nine bytes
        var error = await Assert.ThrowsAsync<DocumentException>(() => source.Open(CancellationToken.None));
        Assert.Equal(DocumentErrorKind.Empty, error.Kind);
    }
}

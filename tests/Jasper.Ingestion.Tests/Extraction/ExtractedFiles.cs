using Jasper.Ingestion.Extraction;

namespace Jasper.Ingestion.Tests.Extraction;

/// <summary>Files through a <see cref="DocumentExtractor"/> as the pipeline reads them: detected, then extracted.</summary>
internal static class ExtractedFiles
{
    /// <summary>Opens the file afresh each time it is asked, as a document source does.</summary>
    public static Func<CancellationToken, Task<Stream>> Open(string path) => _ => Task.FromResult<Stream>(File.OpenRead(path));

    /// <summary>The file's blocks in order; failures are the extractor's <see cref="DocumentException"/>s.</summary>
    public static async Task<List<TextBlock>> BlocksAsync(DocumentExtractor extractor, string path, CancellationToken cancellationToken = default)
    {
        var format = await extractor.DetectAsync(Open(path), Path.GetFileName(path), new FileInfo(path).Length, cancellationToken);
        var blocks = new List<TextBlock>();
        await foreach (var block in extractor.ExtractAsync(Open(path), format, cancellationToken))
        {
            blocks.Add(block);
        }

        return blocks;
    }
}

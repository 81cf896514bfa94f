using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Jasper.Azure.Sinks;
using Jasper.Embeddings.Inference;
using Jasper.Ingestion.Pipeline;
using Jasper.TestSupport;

namespace Jasper.Azure.Tests.Sinks;

/// <summary>The ingestion pipeline writing to the blob sink in Azurite started by the tests.</summary>
public sealed class BlobPipelineTests : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly AzuriteFixture _azurite;
    private readonly TempDirectory _dir = new();
    private readonly JasperEncoder _encoder = JasperEncoder.Load(TinyModels.Fp32);

    public BlobPipelineTests(AzuriteFixture azurite) => _azurite = azurite;

    public void Dispose()
    {
        _encoder.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task The_blob_sink_end_to_end_is_idempotent_and_replaces_shrunk_documents()
    {
        var container = new BlobServiceClient(_azurite.Emulator.ConnectionString).GetBlobContainerClient("vectors");
        var pipeline = new IngestionPipeline(_encoder, new BlobVectorSink(container));
        string file = _dir.Combine("blob.txt");
        File.WriteAllText(file, SampleParagraphs.Text(40));

        var first = await pipeline.IngestAsync(DocumentSource.FromFile(file));
        var again = await pipeline.IngestAsync(DocumentSource.FromFile(file));
        File.WriteAllText(file, "Now it is tiny.");
        var shrunk = await pipeline.IngestAsync(DocumentSource.FromFile(file));

        Assert.Equal(DocumentStatus.Succeeded, first.Status);
        Assert.Equal(DocumentStatus.Unchanged, again.Status);
        Assert.Equal(DocumentStatus.Succeeded, shrunk.Status);
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, first.DocumentId + "/", CancellationToken.None))
        {
            names.Add(blob.Name);
        }

        Assert.Equal(2, names.Count); // document.json and the one part of the new version
        Assert.Contains($"{first.DocumentId}/{BlobVectorSink.StateBlobName}", names);
    }
}

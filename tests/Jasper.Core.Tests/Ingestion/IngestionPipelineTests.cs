using Azure.Storage.Blobs;
using Jasper.Core.Inference;
using Jasper.Core.Ingestion;
using Jasper.Core.Sinks;
using Jasper.Core.Tests.Conversion;
using Jasper.Core.Vectors;
using Jasper.TestSupport;

namespace Jasper.Core.Tests.Ingestion;

[Collection(TinyModelGroup.Name)]
public sealed class IngestionPipelineTests : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly AzuriteFixture _azurite;
    private readonly TempDirectory _dir = new();
    private readonly JasperEncoder _encoder = JasperEncoder.Load(TinyModels.Fp32);

    public IngestionPipelineTests(AzuriteFixture azurite) => _azurite = azurite;

    public void Dispose()
    {
        _encoder.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Good_documents_become_records_and_each_bad_one_fails_alone_with_its_reason()
    {
        string folder = MixedDocuments.Write(_dir.Combine("docs"));
        var sink = new LocalDirectorySink(_dir.Combine("out"));
        var pipeline = new IngestionPipeline(_encoder, sink);

        var reports = new Dictionary<string, DocumentReport>();
        foreach (string file in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
        {
            reports[Path.GetFileName(file)] = await pipeline.IngestAsync(DocumentSource.FromFile(file));
        }

        foreach (var (name, phrase) in MixedDocuments.Good)
        {
            var report = reports[name];
            Assert.True(report.Status == DocumentStatus.Succeeded, $"{name}: {report.Error}");
            var records = ReadRecords(sink, report.DocumentId);
            Assert.Equal(report.Chunks, records.Count);
            Assert.Contains(records, r => r.Text.Contains(phrase, StringComparison.Ordinal));
            Assert.All(records, r => Assert.Equal(128, r.Embedding.Length));
        }

        foreach (var (name, kind) in MixedDocuments.Bad)
        {
            Assert.Equal(DocumentStatus.Failed, reports[name].Status);
            Assert.StartsWith(kind + ": ", reports[name].Error, StringComparison.Ordinal);
            Assert.False(File.Exists(sink.RecordsPath(reports[name].DocumentId)));
        }
    }

    [Fact]
    public async Task Ingesting_the_same_content_twice_changes_nothing()
    {
        string file = WriteText("same.txt", Paragraphs(40));
        var sink = new LocalDirectorySink(_dir.Combine("out"));
        var pipeline = new IngestionPipeline(_encoder, sink);

        var first = await pipeline.IngestAsync(DocumentSource.FromFile(file));
        byte[] before = File.ReadAllBytes(sink.RecordsPath(first.DocumentId));
        var second = await pipeline.IngestAsync(DocumentSource.FromFile(file));

        Assert.Equal(DocumentStatus.Succeeded, first.Status);
        Assert.True(first.Chunks > 1);
        Assert.Equal(DocumentStatus.Unchanged, second.Status);
        Assert.Equal(first.DocumentId, second.DocumentId);
        Assert.Equal(before, File.ReadAllBytes(sink.RecordsPath(first.DocumentId)));
    }

    [Fact]
    public async Task Changed_content_replaces_its_vectors_stale_chunks_included()
    {
        string file = WriteText("changing.txt", Paragraphs(40));
        var sink = new LocalDirectorySink(_dir.Combine("out"));
        var pipeline = new IngestionPipeline(_encoder, sink);
        var big = await pipeline.IngestAsync(DocumentSource.FromFile(file));

        WriteText("changing.txt", "Only one short paragraph is left.");
        var small = await pipeline.IngestAsync(DocumentSource.FromFile(file));

        Assert.True(big.Chunks > 2);
        Assert.Equal(1, small.Chunks);
        var records = ReadRecords(sink, small.DocumentId);
        Assert.Equal([VectorRecord.IdFor(small.DocumentId, 0)], records.Select(r => r.Id));
        Assert.Equal("Only one short paragraph is left.", records[0].Text);
    }

    [Fact]
    public async Task Records_carry_the_policy_ratio_priority_model_and_exact_offsets()
    {
        string text = "# Heading\n\nShort intro.\n\n" + Paragraphs(30);
        string file = WriteText("doc.md", text);
        var sink = new LocalDirectorySink(_dir.Combine("out"));
        var pipeline = new IngestionPipeline(_encoder, sink);

        var report = await pipeline.IngestAsync(DocumentSource.FromFile(file) with { Priority = IngestPriority.Low });

        var records = ReadRecords(sink, report.DocumentId);
        Assert.All(records, r => Assert.Equal(r.Tokens <= 80 ? 1.0 : 0.2, r.CompressionRatio));
        Assert.All(records, r => Assert.Equal("low", r.Priority));
        Assert.All(records, r => Assert.Equal("jasper-tiny-random", r.Model));
        Assert.All(records, r => Assert.Equal(r.Tokens <= 80 ? r.Tokens : (int)(80 + ((r.Tokens - 80) * 0.2)), r.CompressedTokens));
        Assert.Equal(Path.GetFullPath(file), records[0].Source);
        Assert.InRange(report.MeanRatio, 0.2, 1.0);
    }

    [Fact]
    public async Task A_large_document_drops_one_step_and_an_explicit_ratio_overrides()
    {
        string file = WriteText("large.txt", Paragraphs(30));
        var options = new IngestionOptions { Compression = new CompressionPolicyOptions { LargeDocumentTokens = 500 } };
        var sink = new LocalDirectorySink(_dir.Combine("out"));
        var report = await new IngestionPipeline(_encoder, sink, options).IngestAsync(DocumentSource.FromFile(file) with { Priority = IngestPriority.High });
        Assert.All(ReadRecords(sink, report.DocumentId).Where(r => r.Tokens > 80), r => Assert.Equal(0.33, r.CompressionRatio));

        var overridden = await new IngestionPipeline(_encoder, sink, options).IngestAsync(DocumentSource.FromFile(file) with { CompressionRatio = 0.7 });
        Assert.All(ReadRecords(sink, overridden.DocumentId).Where(r => r.Tokens > 80), r => Assert.Equal(0.7, r.CompressionRatio));
    }

    [Fact]
    public async Task The_blob_sink_end_to_end_is_idempotent_and_replaces_shrunk_documents()
    {
        var container = new BlobServiceClient(_azurite.Emulator.ConnectionString).GetBlobContainerClient("vectors");
        var pipeline = new IngestionPipeline(_encoder, new BlobVectorSink(container));
        string file = WriteText("blob.txt", Paragraphs(40));

        var first = await pipeline.IngestAsync(DocumentSource.FromFile(file));
        var again = await pipeline.IngestAsync(DocumentSource.FromFile(file));
        WriteText("blob.txt", "Now it is tiny.");
        var shrunk = await pipeline.IngestAsync(DocumentSource.FromFile(file));

        Assert.Equal(DocumentStatus.Succeeded, first.Status);
        Assert.Equal(DocumentStatus.Unchanged, again.Status);
        Assert.Equal(DocumentStatus.Succeeded, shrunk.Status);
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, first.DocumentId + "/", CancellationToken.None))
        {
            names.Add(blob.Name);
        }

        Assert.Equal(2, names.Count); // document.json and the one part of the new version
        Assert.Contains($"{first.DocumentId}/{BlobVectorSink.StateBlobName}", names);
    }

    private static List<VectorRecord> ReadRecords(LocalDirectorySink sink, string documentId) =>
        File.ReadAllLines(sink.RecordsPath(documentId)).Select(VectorRecordSerializer.Parse).ToList();

    private static string Paragraphs(int count) => string.Join("\n\n", Enumerable.Range(0, count).Select(i =>
        $"Paragraph {i} explains how token compression shortens long inputs before the transformer layers, so that embedding costs less. It keeps most of the quality."));

    private string WriteText(string name, string text)
    {
        Directory.CreateDirectory(_dir.Combine("docs2"));
        string path = _dir.Combine("docs2", name);
        File.WriteAllText(path, text);
        return path;
    }
}

using Jasper.Embeddings.Inference;
using Jasper.Ingestion.Pipeline;
using Jasper.Ingestion.Policy;
using Jasper.Ingestion.Sinks;
using Jasper.Ingestion.Telemetry;
using Jasper.Ingestion.Vectors;
using Jasper.TestSupport;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Jasper.Ingestion.Tests.Pipeline;

public sealed class IngestionPipelineTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly JasperEncoder _encoder = JasperEncoder.Load(TinyModels.Fp32);

    public void Dispose()
    {
        _encoder.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Good_documents_become_records_and_each_bad_one_fails_alone_with_its_reason_and_is_counted()
    {
        string folder = MixedDocuments.Write(_dir.Combine("docs"));
        var sink = new LocalDirectorySink(_dir.Combine("out"));
        using var meters = new TestMeterFactory();
        using var documents = new MetricCollector<long>(meters, IngestionMetrics.MeterName, "jasper.ingestion.documents");
        using var chunks = new MetricCollector<long>(meters, IngestionMetrics.MeterName, "jasper.ingestion.chunks");
        using var metrics = new IngestionMetrics(meters);
        var pipeline = new IngestionPipeline(_encoder, sink, metrics: metrics);

        var reports = new Dictionary<string, DocumentReport>();
        foreach (string file in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
        {
            reports[Path.GetFileName(file)] = await pipeline.IngestAsync(DocumentSource.FromFile(file));
        }

        foreach (var (name, phrase) in MixedDocuments.Good)
        {
            var report = reports[name];
            Assert.True(report.Status == DocumentStatus.Succeeded, $"{name}: {report.Error}");
            var records = SinkRecords.Read(sink, report.DocumentId);
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

        // Each document is counted once, by how it ended; failures by the kind their reason starts with.
        var counted = documents.GetMeasurementSnapshot();
        Assert.Equal(reports.Count, counted.Count);
        Assert.Equal(MixedDocuments.Good.Count, counted.Count(m => (string?)m.Tags["jasper.outcome"] == "succeeded"));
        Assert.Equal(
            MixedDocuments.Bad.Select(b => b.Value).Order(StringComparer.Ordinal),
            counted.Where(m => (string?)m.Tags["jasper.outcome"] == "failed").Select(m => (string)m.Tags["error.type"]!).Order(StringComparer.Ordinal));
        Assert.Equal(reports.Values.Sum(r => r.Chunks), chunks.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    // 3,000 emoji (valid UTF-8, each a surrogate pair in .NET) failed: "String contains invalid Unicode code points".
    [Fact]
    public async Task Text_of_characters_outside_the_basic_plane_is_chunked_without_cutting_one()
    {
        var random = new Random(1);
        string[] emoji = ["\U0001F600", "\U0001F680", "\U0001F389", "\U0001F44D", "\U0001F525"];
        string text = "Plain words first. " + string.Concat(Enumerable.Range(0, 3000).Select(_ => emoji[random.Next(emoji.Length)]));
        string path = _dir.WriteText(text, "docs", "emoji.txt");
        var sink = new LocalDirectorySink(_dir.Combine("out"));

        var report = await new IngestionPipeline(_encoder, sink).IngestAsync(DocumentSource.FromFile(path));

        Assert.True(report.Status == DocumentStatus.Succeeded, report.Error);
        var records = SinkRecords.Read(sink, report.DocumentId);
        Assert.True(records.Count > 1, $"{records.Count} chunks");
        Assert.All(records, r => Assert.Equal(text[(int)r.CharStart..(int)r.CharEnd], r.Text));
        Assert.All(records, r => Assert.False(char.IsLowSurrogate(r.Text[0]) || char.IsHighSurrogate(r.Text[^1]), $"chunk {r.ChunkIndex} cuts a character"));
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
    public async Task A_re_converted_model_makes_the_same_content_stale()
    {
        // Same name, weights, precision and width; another graph (the fused attention). Its vectors can differ, so the
        // committed ones must not be kept as "unchanged".
        string file = WriteText("reconverted.txt", Paragraphs(10));
        var sink = new LocalDirectorySink(_dir.Combine("out"));
        using var fused = JasperEncoder.Load(TinyModels.Model("fp32-fused"));
        Assert.Equal(_encoder.Model.Manifest.Name, fused.Model.Manifest.Name);
        Assert.Equal(_encoder.Model.Manifest.Precision, fused.Model.Manifest.Precision);

        var first = await new IngestionPipeline(_encoder, sink).IngestAsync(DocumentSource.FromFile(file));
        var again = await new IngestionPipeline(_encoder, sink).IngestAsync(DocumentSource.FromFile(file));
        var reconverted = await new IngestionPipeline(fused, sink).IngestAsync(DocumentSource.FromFile(file));

        Assert.Equal(DocumentStatus.Succeeded, first.Status);
        Assert.Equal(DocumentStatus.Unchanged, again.Status);
        Assert.Equal(DocumentStatus.Succeeded, reconverted.Status);
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
        var records = SinkRecords.Read(sink, small.DocumentId);
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

        var records = SinkRecords.Read(sink, report.DocumentId);
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
        Assert.All(SinkRecords.Read(sink, report.DocumentId).Where(r => r.Tokens > 80), r => Assert.Equal(0.33, r.CompressionRatio));

        var overridden = await new IngestionPipeline(_encoder, sink, options).IngestAsync(DocumentSource.FromFile(file) with { CompressionRatio = 0.7 });
        Assert.All(SinkRecords.Read(sink, overridden.DocumentId).Where(r => r.Tokens > 80), r => Assert.Equal(0.7, r.CompressionRatio));
    }

    private static string Paragraphs(int count) => SampleParagraphs.Text(count);

    private string WriteText(string name, string text) => _dir.WriteText(text, "docs2", name);
}

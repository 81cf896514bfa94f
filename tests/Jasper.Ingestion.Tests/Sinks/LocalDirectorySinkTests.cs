using Jasper.Ingestion.Sinks;
using Jasper.Ingestion.Vectors;
using Jasper.TestSupport;

namespace Jasper.Ingestion.Tests.Sinks;

public sealed class LocalDirectorySinkTests
{
    [Fact]
    public async Task Records_are_json_lines_exactly_as_architecture_defines_them()
    {
        using var dir = new TempDirectory();
        var sink = new LocalDirectorySink(dir.Path);
        var document = SinkRecords.Document("v1");
        var records = SinkRecords.Make(document, 4);
        await SinkRecords.WriteVersionAsync(sink, document, records);

        string[] lines = File.ReadAllLines(sink.RecordsPath("doc1"));
        Assert.Equal(4, lines.Length);
        using var first = System.Text.Json.JsonDocument.Parse(lines[0]);
        Assert.Equal(
            ["id", "document_id", "source", "chunk_index", "char_start", "char_end", "text", "tokens", "compressed_tokens", "compression_ratio", "priority", "model", "dimensions", "embedding"],
            first.RootElement.EnumerateObject().Select(p => p.Name));
        byte[] embedding = first.RootElement.GetProperty("embedding").GetBytesFromBase64();
        Assert.Equal(BitConverter.GetBytes(records[0].Embedding[1]), embedding[4..8]); // little-endian float32
        var parsed = lines.Select(VectorRecordSerializer.Parse).ToList();
        Assert.Equal(records.Select(r => r.Embedding), parsed.Select(r => r.Embedding));
        Assert.Equal(records.Select(r => r with { Embedding = [] }), parsed.Select(r => r with { Embedding = [] }));
        Assert.Equal("v1", await sink.GetCommittedVersionAsync("doc1"));
    }

    [Fact]
    public async Task A_new_version_replaces_the_old_one_and_a_shrunk_document_leaves_nothing_stale()
    {
        using var dir = new TempDirectory();
        var sink = new LocalDirectorySink(dir.Path);
        await SinkRecords.WriteVersionAsync(sink, SinkRecords.Document("v1"), SinkRecords.Make(SinkRecords.Document("v1"), 9));
        await SinkRecords.WriteVersionAsync(sink, SinkRecords.Document("v2"), SinkRecords.Make(SinkRecords.Document("v2"), 2));

        var records = File.ReadAllLines(sink.RecordsPath("doc1")).Select(VectorRecordSerializer.Parse).ToList();
        Assert.Equal(["doc1-0", "doc1-1"], records.Select(r => r.Id));
        Assert.All(records, r => Assert.EndsWith("of v2", r.Text, StringComparison.Ordinal));
        Assert.Equal("v2", await sink.GetCommittedVersionAsync("doc1"));
    }

    [Fact]
    public async Task Parts_written_out_of_order_and_twice_join_in_chunk_order_once()
    {
        using var dir = new TempDirectory();
        var sink = new LocalDirectorySink(dir.Path);
        var document = SinkRecords.Document("v1");
        var records = SinkRecords.Make(document, 7);
        foreach (var part in records.Chunk(3).Reverse().Concat(records.Chunk(3)))
        {
            await sink.WritePartAsync(document, part);
        }

        await sink.CommitAsync(document, records.Count);
        Assert.Equal(records.Select(r => r.Id), File.ReadAllLines(sink.RecordsPath("doc1")).Select(l => VectorRecordSerializer.Parse(l).Id));
    }

    // jasper ingest stopped part-way leaves a version's parts behind; run again, the same version is cut into other
    // parts (the documents before it are now unchanged, so its chunks share other inferences). Joining every part in
    // the folder committed 203 records for 167 chunks.
    [Fact]
    public async Task Parts_left_by_a_stopped_run_that_were_cut_elsewhere_are_not_joined()
    {
        using var dir = new TempDirectory();
        var sink = new LocalDirectorySink(dir.Path);
        var document = SinkRecords.Document("v1");
        var records = SinkRecords.Make(document, 9);
        foreach (var stale in new[] { records[0..2], records[2..5], records[5..7] })
        {
            await sink.WritePartAsync(document, stale); // the stopped run: parts at 0, 2 and 5, never committed
        }

        foreach (var part in new[] { records[0..4], records[4..9] })
        {
            await sink.WritePartAsync(document, part);
        }

        await sink.CommitAsync(document, records.Count);

        Assert.Equal(records.Select(r => r.Id), SinkRecords.Read(sink, "doc1").Select(r => r.Id));
        Assert.False(Directory.Exists(dir.Combine(LocalDirectorySink.StateDirectoryName, "doc1")));
    }

    [Fact]
    public async Task A_version_whose_parts_do_not_hold_every_chunk_is_not_committed_and_the_committed_one_stays()
    {
        using var dir = new TempDirectory();
        var sink = new LocalDirectorySink(dir.Path);

        var error = Assert.IsType<InvalidOperationException>(await SinkRecords.CommitWithChunksLeftOutAsync(sink));

        Assert.Contains("chunk 3", error.Message, StringComparison.Ordinal);
        Assert.Equal("v1", await sink.GetCommittedVersionAsync("doc1"));
        Assert.Equal(3, SinkRecords.Read(sink, "doc1").Count);
    }

    [Fact]
    public async Task A_removed_document_leaves_nothing_and_only_document_ids_are_removed()
    {
        using var dir = new TempDirectory();
        var sink = new LocalDirectorySink(dir.Combine("index"));
        string outside = dir.WriteText("not the index's", "doc1.jsonl");

        await SinkRecords.RemoveOneOfTwoAsync(sink);

        Assert.Equal(["doc2"], sink.GetDocuments().Select(d => d.DocumentId));
        Assert.Null(await sink.GetCommittedVersionAsync("doc1"));
        Assert.Equal(["doc2.jsonl"], Directory.GetFiles(dir.Combine("index")).Select(Path.GetFileName));
        Assert.Empty(Directory.GetDirectories(dir.Combine("index", LocalDirectorySink.StateDirectoryName)));
        Assert.Equal(2, SinkRecords.Read(sink, "doc2").Count);
        await Assert.ThrowsAsync<ArgumentException>(() => sink.RemoveAsync("../doc1"));
        await Assert.ThrowsAsync<ArgumentException>(() => sink.RemoveAsync(".."));
        Assert.True(File.Exists(outside));
    }

    [Fact]
    public async Task An_abandoned_version_leaves_the_committed_one_untouched()
    {
        using var dir = new TempDirectory();
        var sink = new LocalDirectorySink(dir.Path);
        await SinkRecords.WriteVersionAsync(sink, SinkRecords.Document("v1"), SinkRecords.Make(SinkRecords.Document("v1"), 3));
        await SinkRecords.WritePartsAsync(sink, SinkRecords.Document("v2"), SinkRecords.Make(SinkRecords.Document("v2"), 5));
        await sink.AbandonAsync(SinkRecords.Document("v2"));

        Assert.Equal("v1", await sink.GetCommittedVersionAsync("doc1"));
        Assert.Equal(3, File.ReadAllLines(sink.RecordsPath("doc1")).Length);
        Assert.False(Directory.Exists(dir.Combine(LocalDirectorySink.StateDirectoryName, "doc1")));
    }
}

using Jasper.Ingestion.Sinks;
using Jasper.Ingestion.Vectors;

namespace Jasper.TestSupport;

/// <summary>Synthetic records for sink tests, and the records a local directory sink holds.</summary>
public static class SinkRecords
{
    /// <summary>The committed records of a document in a local directory sink, in chunk order.</summary>
    public static List<VectorRecord> Read(LocalDirectorySink sink, string documentId) =>
        File.ReadAllLines(sink.RecordsPath(documentId)).Select(VectorRecordSerializer.Parse).ToList();

    public static DocumentDescriptor Document(string version, string id = "doc1") => new(id, $"/data/{id}.txt", version);

    public static List<VectorRecord> Make(DocumentDescriptor document, int count, int dimensions = 8, string text = "chunk") =>
        Enumerable.Range(0, count).Select(i => new VectorRecord
        {
            Id = VectorRecord.IdFor(document.DocumentId, i),
            DocumentId = document.DocumentId,
            Source = document.Source,
            ChunkIndex = i,
            CharStart = i * 100,
            CharEnd = (i * 100) + 90,
            Text = $"{text} {i} of {document.Version}",
            Tokens = 120,
            CompressedTokens = 93,
            CompressionRatio = 0.33,
            Priority = "normal",
            Model = "test-model",
            Dimensions = dimensions,
            Embedding = Enumerable.Range(0, dimensions).Select(d => (float)Math.Sin(i + d)).ToArray(),
        }).ToList();

    /// <summary>Writes a version in parts of <paramref name="batch"/> records and commits it.</summary>
    public static async Task WriteVersionAsync(IVectorSink sink, DocumentDescriptor document, List<VectorRecord> records, int batch = 3)
    {
        await WritePartsAsync(sink, document, records, batch);
        await sink.CommitAsync(document, records.Count);
    }

    /// <summary>Writes a version's parts without committing it.</summary>
    public static async Task WritePartsAsync(IVectorSink sink, DocumentDescriptor document, List<VectorRecord> records, int batch = 3)
    {
        foreach (var group in records.Chunk(batch))
        {
            await sink.WritePartAsync(document, group);
        }
    }

    /// <summary>
    /// Commits version v1 of doc1 (3 records), then writes version v2's parts (9 records) at chunks 0 and 6 only and
    /// commits it: a sink must refuse that commit and keep v1. Returns what the commit threw (null when it did not).
    /// </summary>
    public static async Task<Exception?> CommitWithChunksLeftOutAsync(IVectorSink sink)
    {
        await WriteVersionAsync(sink, Document("v1"), Make(Document("v1"), 3));
        var document = Document("v2");
        var records = Make(document, 9);
        await sink.WritePartAsync(document, records[0..3]);
        await sink.WritePartAsync(document, records[6..9]); // chunks 3 to 5 never written
        try
        {
            await sink.CommitAsync(document, records.Count);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    /// <summary>
    /// Commits v1 of doc1 (3 records) and of doc2 (2 records), writes v2 of doc1 without committing it (5 records), then
    /// removes doc1 twice (the second finds nothing). A sink must then hold doc2 alone, untouched.
    /// </summary>
    public static async Task RemoveOneOfTwoAsync(IVectorSink sink)
    {
        await WriteVersionAsync(sink, Document("v1"), Make(Document("v1"), 3));
        await WriteVersionAsync(sink, Document("v1", "doc2"), Make(Document("v1", "doc2"), 2));
        await WritePartsAsync(sink, Document("v2"), Make(Document("v2"), 5));

        await sink.RemoveAsync("doc1");
        await sink.RemoveAsync("doc1");
    }
}

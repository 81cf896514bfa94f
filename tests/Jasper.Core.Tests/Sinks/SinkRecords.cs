using Jasper.Core.Sinks;
using Jasper.Core.Vectors;

namespace Jasper.Core.Tests.Sinks;

/// <summary>Synthetic records for sink tests.</summary>
internal static class SinkRecords
{
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

    /// <summary>Writes a version in batches of <paramref name="batch"/> and commits it.</summary>
    public static async Task WriteVersionAsync(IVectorSink sink, DocumentDescriptor document, List<VectorRecord> records, int batch = 3)
    {
        await using var writer = await sink.OpenDocumentAsync(document);
        foreach (var group in records.Chunk(batch))
        {
            await writer.WriteAsync(group);
        }

        await writer.CommitAsync(records.Count);
    }
}

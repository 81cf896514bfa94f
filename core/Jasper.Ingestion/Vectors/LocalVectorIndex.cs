using Jasper.Embeddings.Numerics;

namespace Jasper.Ingestion.Vectors;

/// <summary>
/// Exact nearest-neighbour search over the JSON Lines records of a local directory (what the local sink writes),
/// streaming them so that memory holds only the best <c>k</c>.
/// </summary>
public static class LocalVectorIndex
{
    /// <summary>The <paramref name="k"/> records most similar to <paramref name="query"/>, best first.</summary>
    public static async Task<IReadOnlyList<SearchHit>> SearchAsync(string directory, float[] query, int k, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Index directory '{directory}' does not exist; create it with `jasper ingest ... --out {directory}`.");
        }

        var best = new PriorityQueue<SearchHit, double>();
        foreach (string file in Directory.EnumerateFiles(directory, "*.jsonl").Order(StringComparer.Ordinal))
        {
            await foreach (string line in File.ReadLinesAsync(file, cancellationToken).ConfigureAwait(false))
            {
                if (line.Length == 0)
                {
                    continue;
                }

                var record = VectorRecordSerializer.Parse(line);
                if (record.Embedding.Length != query.Length)
                {
                    throw new InvalidDataException(
                        $"{Path.GetFileName(file)} holds {record.Embedding.Length}-dimensional vectors from model '{record.Model}'; the query has {query.Length}. Search with the model the index was built with.");
                }

                double score = VectorMath.Cosine(query, record.Embedding);
                best.Enqueue(new SearchHit(score, record), score);
                if (best.Count > k)
                {
                    best.Dequeue();
                }
            }
        }

        var hits = new List<SearchHit>(best.Count);
        while (best.Count > 0)
        {
            hits.Add(best.Dequeue());
        }

        hits.Reverse();
        return hits;
    }
}

using System.Globalization;

namespace Jasper.Ingestion.Sinks;

/// <summary>
/// How the parts of a document version are named wherever they are stored (local files, vector blobs, chunk-set blobs,
/// status rows): by the index of their first chunk, zero-padded so that names sort in chunk order. Writing a part again
/// therefore overwrites it, whoever writes it.
/// </summary>
public static class PartName
{
    /// <summary>The file name pattern of every part.</summary>
    public const string FilePattern = "part-*.jsonl";

    /// <summary><c>part-000012</c> for the part that starts at chunk 12.</summary>
    public static string Of(int firstChunk) => string.Create(CultureInfo.InvariantCulture, $"part-{firstChunk:D6}");

    /// <summary>The first chunk of a part named by <see cref="Of"/> (<c>part-000012</c> is 12).</summary>
    public static int FirstChunkOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return int.Parse(name.AsSpan("part-".Length, name.Length - "part-".Length - (name.EndsWith(".jsonl", StringComparison.Ordinal) ? ".jsonl".Length : 0)), NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary><c>part-000012.jsonl</c>.</summary>
    public static string File(int firstChunk) => Of(firstChunk) + ".jsonl";

    /// <summary><c>{documentId}/{version}/part-000012.jsonl</c>: a part's path in a container.</summary>
    public static string Under(string documentId, string version, int firstChunk) => $"{documentId}/{version}/{File(firstChunk)}";
}

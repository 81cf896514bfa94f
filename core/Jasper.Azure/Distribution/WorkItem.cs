using System.Text.Json;
using System.Text.Json.Serialization;
using Jasper.Ingestion.Pipeline;
using Jasper.Ingestion.Policy;
using Jasper.Ingestion.Sinks;

namespace Jasper.Azure.Distribution;

/// <summary>
/// A queue message asking an embed worker for one part of a document: which document and version, where the part's
/// chunks wait (a blob in the work container), which chunks, and how to compress them. Never the text itself:
/// queue messages are limited to 64 KB. Sent as base64 JSON.
/// </summary>
internal sealed record WorkItem
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    /// <summary>The document.</summary>
    public required string DocumentId { get; init; }

    /// <summary>The version being embedded; items of other versions are dropped.</summary>
    public required string Version { get; init; }

    /// <summary>The document's source (blob URI).</summary>
    public required string Source { get; init; }

    /// <summary>Blob name, in the work container, of the part's chunk set.</summary>
    public required string ChunkSet { get; init; }

    /// <summary>Index of the part's first chunk.</summary>
    public required int FirstChunk { get; init; }

    /// <summary>Chunks in the part.</summary>
    public required int ChunkCount { get; init; }

    /// <summary>Chunks in the whole document.</summary>
    public required int TotalChunks { get; init; }

    /// <summary>Parts of the whole document.</summary>
    public required int Parts { get; init; }

    /// <summary><c>high</c>, <c>normal</c> or <c>low</c>.</summary>
    public required string Priority { get; init; }

    /// <summary>The document's ratio (chunks at or under the threshold are not compressed).</summary>
    public required double Ratio { get; init; }

    /// <summary>How many times the item has been sent (1 for the first).</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>The document plan a worker needs to embed this part.</summary>
    public DocumentPlan ToPlan() => new()
    {
        Document = new DocumentDescriptor(DocumentId, Source, Version),
        Priority = IngestPriorities.Parse(Priority),
        Ratio = new CompressionDecision(Ratio, "from the work item"),
        Chunks = TotalChunks,
    };

    /// <summary>The message text (JSON; the queue client adds the base64).</summary>
    public string Encode() => JsonSerializer.Serialize(this, Options);

    /// <summary>Parses a message text; a malformed one is a <see cref="FormatException"/> saying why.</summary>
    public static WorkItem Decode(string message)
    {
        try
        {
            var item = JsonSerializer.Deserialize<WorkItem>(message, Options) ?? throw new FormatException("The work item is null.");
            return item.ChunkCount > 0 && item.FirstChunk >= 0 && item.Parts > 0 && IngestPriorities.TryParse(item.Priority, out _)
                ? item
                : throw new FormatException("The work item's chunk range, part count or priority is invalid.");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The message is not a work item: {ex.Message}", ex);
        }
    }
}

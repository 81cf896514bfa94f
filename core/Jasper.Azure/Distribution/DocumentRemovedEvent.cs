using System.Text.Json;

namespace Jasper.Azure.Distribution;

/// <summary>
/// Announced (at least once) when a document is removed because its blob was deleted from the documents container,
/// after its vectors are gone from the sink. A document never recorded is removed silently.
/// </summary>
public sealed record DocumentRemovedEvent
{
    /// <summary>The event's name (Service Bus subject).</summary>
    public const string Name = "DocumentRemoved";

    /// <summary>The document.</summary>
    public required string DocumentId { get; init; }

    /// <summary>The version it last had, if one was recorded.</summary>
    public string? Version { get; init; }

    /// <summary>The document's source.</summary>
    public required string Source { get; init; }

    /// <summary>
    /// Which removal this is: the id of the deletion's Event Grid event, so that every retry of one deletion announces
    /// it under the same id (and Service Bus drops the repeats), while a later deletion of the same name is another.
    /// </summary>
    public required string RemovalId { get; init; }

    /// <summary>When it was removed.</summary>
    public required DateTimeOffset RemovedAt { get; init; }

    /// <summary>UTF-8 JSON.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, DocumentEventJson.Options);

    /// <summary>Reads what <see cref="ToJson"/> wrote.</summary>
    public static DocumentRemovedEvent FromJson(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<DocumentRemovedEvent>(json, DocumentEventJson.Options) ?? throw new FormatException("The removal event is null.");
}

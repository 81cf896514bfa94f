using System.Text.Json;

namespace Jasper.Azure.Distribution;

/// <summary>Announced (at least once: Service Bus drops duplicates by message id) when every part of a document's version is embedded and committed.</summary>
public sealed record DocumentEmbeddedEvent
{
    /// <summary>The event's name (Service Bus subject).</summary>
    public const string Name = "DocumentEmbedded";

    /// <summary>The document.</summary>
    public required string DocumentId { get; init; }

    /// <summary>The version now current.</summary>
    public required string Version { get; init; }

    /// <summary>The document's source.</summary>
    public required string Source { get; init; }

    /// <summary>Chunks embedded.</summary>
    public required int Chunks { get; init; }

    /// <summary>Tokens read.</summary>
    public required long Tokens { get; init; }

    /// <summary>Positions after compression.</summary>
    public required long CompressedTokens { get; init; }

    /// <summary>When it completed.</summary>
    public required DateTimeOffset CompletedAt { get; init; }

    /// <summary>UTF-8 JSON.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, DocumentEventJson.Options);

    /// <summary>Reads what <see cref="ToJson"/> wrote.</summary>
    public static DocumentEmbeddedEvent FromJson(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<DocumentEmbeddedEvent>(json, DocumentEventJson.Options) ?? throw new FormatException("The completion event is null.");
}

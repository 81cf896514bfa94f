using System.Text.Json;

namespace Jasper.Ingestion.Sinks;

/// <summary>What a sink records about a committed document next to its records.</summary>
/// <param name="DocumentId">The document.</param>
/// <param name="Source">Its source.</param>
/// <param name="Version">The committed version.</param>
/// <param name="Chunks">How many records it has.</param>
public sealed record DocumentState(string DocumentId, string Source, string Version, int Chunks)
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>UTF-8 JSON.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Options);

    /// <summary>Parses <see cref="ToJson"/>'s output; null when it is not a state document.</summary>
    public static DocumentState? Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize<DocumentState>(json, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

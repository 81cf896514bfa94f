using System.Text.Json;

namespace Jasper.Azure.Distribution;

/// <summary>How document events are written as JSON: snake_case names, the same for every event and every reader.</summary>
internal static class DocumentEventJson
{
    /// <summary>The serializer options of every document event.</summary>
    public static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}

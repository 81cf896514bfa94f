namespace Jasper.Serving.Api;

/// <summary>What an API call answers: a status, a JSON body and extra headers; the hosts only copy it out.</summary>
/// <param name="StatusCode">HTTP status.</param>
/// <param name="Body">UTF-8 JSON.</param>
/// <param name="Headers">Extra headers (Retry-After).</param>
public sealed record ApiResponse(int StatusCode, ReadOnlyMemory<byte> Body, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>The content type of every body.</summary>
    public const string ContentType = "application/json";

    /// <summary>A response without extra headers.</summary>
    public static ApiResponse Json(int statusCode, ReadOnlyMemory<byte> body) => new(statusCode, body, new Dictionary<string, string>());
}

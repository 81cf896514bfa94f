using Jasper.Serving.Api;
using Microsoft.AspNetCore.Http;

namespace Jasper.Serving.AspNetCore;

/// <summary>The one place an <see cref="ApiResponse"/> becomes an ASP.NET Core response (Kestrel and the Functions app alike).</summary>
public static class ApiResponseWriter
{
    /// <summary>Writes the status, headers and body of <paramref name="result"/> to <paramref name="response"/>.</summary>
    public static async Task WriteApiResponseAsync(this HttpResponse response, ApiResponse result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(result);
        response.StatusCode = result.StatusCode;
        response.ContentType = ApiResponse.ContentType;
        foreach (var (name, value) in result.Headers)
        {
            response.Headers[name] = value;
        }

        await response.Body.WriteAsync(result.Body, cancellationToken).ConfigureAwait(false);
    }
}

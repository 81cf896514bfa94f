using System.Text;
using Jasper.Serving.Api;
using Jasper.Serving.AspNetCore;
using Microsoft.AspNetCore.Http;

namespace Jasper.Serving.Tests.AspNetCore;

public sealed class ApiResponseWriterTests
{
    [Fact]
    public async Task Status_content_type_headers_and_body_are_copied_to_the_response()
    {
        var context = new DefaultHttpContext();
        using var body = new MemoryStream();
        context.Response.Body = body;
        var response = new ApiResponse(503, Encoding.UTF8.GetBytes("{\"status\":\"loading\"}"), new Dictionary<string, string> { ["Retry-After"] = "5" });

        await context.Response.WriteApiResponseAsync(response);

        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("application/json", context.Response.ContentType);
        Assert.Equal("5", context.Response.Headers.RetryAfter.ToString());
        Assert.Equal("{\"status\":\"loading\"}", Encoding.UTF8.GetString(body.ToArray()));
    }
}

using System.Text;
using System.Text.Json;
using Jasper.Ingestion.Policy;
using Jasper.Serving.Api;
using Jasper.Serving.Hosting;
using Jasper.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Jasper.Functions.Tests;

/// <summary>The HTTP trigger class called directly with ASP.NET Core request objects (the routes themselves are tested over Kestrel in Jasper.Cli.Tests).</summary>
public sealed class HttpApiTests : IAsyncLifetime
{
    private ModelHost _host = null!;
    private HttpApi _api = null!;

    public async Task InitializeAsync()
    {
        _host = new ModelHost(new ModelHostOptions { Path = TinyModels.Fp32 });
        await _host.WaitReadyAsync();
        _api = new HttpApi(new EmbeddingApi(_host, new EmbeddingApiOptions(), new CompressionPolicyOptions()));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_OpenAI_route_answers_vectors_and_usage()
    {
        var (status, json) = await InvokeAsync(request => _api.OpenAIEmbeddings(request), """{"input": ["a", "b"], "dimensions": 16}""");
        Assert.Equal(200, status);
        Assert.Equal(2, json.GetProperty("data").GetArrayLength());
        Assert.Equal(16, json.GetProperty("data")[0].GetProperty("embedding").GetArrayLength());
        Assert.Equal(2, json.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task The_native_route_reports_compression_and_errors_keep_their_shape()
    {
        var (status, json) = await InvokeAsync(request => _api.Embed(request), """{"input": "x", "priority": "high"}""");
        Assert.Equal(200, status);
        Assert.Equal(0.5, json.GetProperty("data")[0].GetProperty("compression_ratio").GetDouble());

        (status, json) = await InvokeAsync(request => _api.Embed(request), """{"input": "x", "priority": "urgent"}""");
        Assert.Equal(400, status);
        Assert.Equal("priority", json.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task Health_and_info_describe_the_model()
    {
        var (status, json) = await InvokeAsync(request => Task.FromResult(_api.Health(request)), null);
        Assert.Equal(200, status);
        Assert.Equal("ready", json.GetProperty("status").GetString());
        (status, json) = await InvokeAsync(request => Task.FromResult(_api.Info(request)), null);
        Assert.Equal(128, json.GetProperty("dimensions").GetInt32());
    }

    private static async Task<(int Status, JsonElement Json)> InvokeAsync(Func<HttpRequest, Task<IActionResult>> function, string? body)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().BuildServiceProvider() };
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body ?? string.Empty));
        context.Response.Body = new MemoryStream();
        var result = await function(context.Request);
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()));
        context.Response.Body.Position = 0;
        using var json = await JsonDocument.ParseAsync(context.Response.Body);
        return (context.Response.StatusCode, json.RootElement.Clone());
    }
}

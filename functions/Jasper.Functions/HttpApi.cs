using Jasper.Serving.Api;
using Jasper.Serving.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Jasper.Functions;

/// <summary>The embedding HTTP API: each route hands the request to <see cref="EmbeddingApi"/> and copies its answer out.</summary>
public sealed class HttpApi(EmbeddingApi api)
{
    [Function("OpenAIEmbeddings")]
    public async Task<IActionResult> OpenAIEmbeddings([HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/embeddings")] HttpRequest request) =>
        ToResult(await api.OpenAIEmbeddingsAsync(request.Body, request.HttpContext.RequestAborted));

    [Function("Embed")]
    public async Task<IActionResult> Embed([HttpTrigger(AuthorizationLevel.Function, "post", Route = "embed")] HttpRequest request) =>
        ToResult(await api.NativeEmbedAsync(request.Body, request.HttpContext.RequestAborted));

    [Function("Health")]
    public IActionResult Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request) => ToResult(api.Health());

    [Function("Models")]
    public IActionResult Models([HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/models")] HttpRequest request) => ToResult(api.Models());

    [Function("Info")]
    public IActionResult Info([HttpTrigger(AuthorizationLevel.Function, "get", Route = "info")] HttpRequest request) => ToResult(api.Info());

    internal static IActionResult ToResult(ApiResponse response) => new ApiActionResult(response);
}

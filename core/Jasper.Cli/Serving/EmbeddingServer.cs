using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using Jasper.Serving.Api;
using Jasper.Serving.AspNetCore;
using Jasper.Serving.Hosting;
using Jasper.Serving.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Jasper.Cli.Serving;

/// <summary>
/// The embedding API on Kestrel: the routes of the Functions app (<c>/api/v1/embeddings</c>, <c>/api/embed</c>,
/// <c>/api/health</c>, <c>/api/info</c>) served by the same <see cref="EmbeddingApi"/>, for local use and load tests.
/// </summary>
internal sealed class EmbeddingServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmbeddingServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>Where it listens (the first address), ending with a slash.</summary>
    public Uri Address { get; }

    /// <summary>The model host.</summary>
    public ModelHost Host => _app.Services.GetRequiredService<ModelHost>();

    /// <summary>Starts listening; the model loads in the background meanwhile.</summary>
    public static async Task<EmbeddingServer> StartAsync(ServeOptions options, LogLevel logLevel = LogLevel.Warning)
    {
        if (options.ApiKey is { } key && string.IsNullOrWhiteSpace(key))
        {
            // An empty key would let every request in while the operator believes the server is protected.
            throw new ArgumentException("--api-key must not be empty; leave it out to serve without a key.", nameof(options));
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(logLevel)
            // ASP.NET Core logs four lines per request at Information: they are for debugging, not for every run.
            .AddFilter("Microsoft.AspNetCore", logLevel <= LogLevel.Debug ? logLevel : LogLevel.Warning);
        builder.Services.AddSingleton(sp => new ModelHost(options.HostOptions(), loggerFactory: sp.GetRequiredService<ILoggerFactory>(), meterFactory: sp.GetRequiredService<IMeterFactory>()));
        builder.Services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("jasper-serve")).WithMetrics(metrics => metrics
            .AddMeter(ServingTelemetry.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0)); // every scrape sees the latest
        builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Jasper embeddings";
            document.Info.Description = "Jasper-Token-Compression-600M embeddings: the OpenAI embeddings contract, a native route with prompts, priorities and compression ratios, and health.";
            return Task.CompletedTask;
        }).AddOperationTransformer(RouteDescriptions.RequestBodies));
        builder.Services.AddSingleton(sp => new EmbeddingApi(sp.GetRequiredService<ModelHost>(), options.Limits, options.Policy, sp.GetRequiredService<ILogger<EmbeddingApi>>()));
        var app = builder.Build();
        Map(app, options.ApiKey);
        app.Services.GetRequiredService<ModelHost>().Start();
        await app.StartAsync().ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new EmbeddingServer(app, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>The method and pattern of every route it maps (the OpenAPI document must describe each).</summary>
    internal IEnumerable<(string Method, string Pattern)> Routes => _app.Services.GetRequiredService<EndpointDataSource>().Endpoints
        .OfType<RouteEndpoint>()
        .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => (m, "/" + e.RoutePattern.RawText!.TrimStart('/'))));

    /// <summary>Runs until the process is asked to stop.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static void Map(WebApplication app, string? apiKey)
    {
        var api = app.Services.GetRequiredService<EmbeddingApi>();

        // An unknown route or method gets an OpenAI-shaped error instead of an empty body.
        app.UseStatusCodePages(context => context.HttpContext.Response.StatusCode is 404 or 405
            ? context.HttpContext.Response.WriteApiResponseAsync(EmbeddingApi.NoRoute(
                context.HttpContext.Request.Method, context.HttpContext.Request.Path, context.HttpContext.Response.StatusCode == 405))
            : Task.CompletedTask);

        // Open like /api/health: scrapers and probes carry no keys, and neither reveals a request's content.
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapOpenApi("/openapi/{documentName}.json");

        var routes = app.MapGroup("/api");
        routes.MapPost("/embed", Authorized(apiKey, context => api.NativeEmbedAsync(context.Request.Body, context.RequestAborted)))
            .Describe("Embed texts (native)", "The OpenAI fields plus priority and normalize; the response adds tokens, compressed_tokens and compression_ratio per text.", EmbeddingRequestFields.Native);
        routes.MapGet("/info", Authorized(apiKey, _ => Task.FromResult(api.Info())))
            .Describe("The model, its prompts, compression settings and the limits", "Also says which extra body fields the OpenAI route takes (openai_extra_body).");
        routes.MapGet("/health", Open(context => context.Response.WriteApiResponseAsync(api.Health())))
            .Describe("Readiness", "200 when the model is loaded; 503 with Retry-After while it loads or when it failed (with the reason).", secured: false);

        // The OpenAI routes, also without /api: OpenAI clients are configured with a base URL ending in /v1.
        foreach (var group in new[] { routes, app.MapGroup(string.Empty) })
        {
            group.MapPost("/v1/embeddings", Authorized(apiKey, context => api.OpenAIEmbeddingsAsync(context.Request.Body, context.RequestAborted)))
                .Describe("Embed texts (OpenAI contract)", "OpenAI's embeddings request plus the extra body fields its SDKs pass through: input_type (query for search queries), prompt_name, compression_ratio and truncate.", EmbeddingRequestFields.OpenAI);
            group.MapGet("/v1/models", Authorized(apiKey, _ => Task.FromResult(api.Models())))
                .Describe("The model served (OpenAI contract)", "The one model this server serves, as OpenAI's model list.");
        }
    }

    // The health route stays open: load balancers probe it without keys.
    // Handlers are Func<HttpContext, Task>, not RequestDelegate, so that the routes are described in the OpenAPI document.
    private static Func<HttpContext, Task> Authorized(string? apiKey, Func<HttpContext, Task<ApiResponse>> handle) => context => HandleAsync(context, apiKey, handle);

    private static Func<HttpContext, Task> Open(Func<HttpContext, Task> handle) => handle;

    private static async Task HandleAsync(HttpContext context, string? apiKey, Func<HttpContext, Task<ApiResponse>> handle)
    {
        if (apiKey is not null && !HasKey(context.Request, apiKey))
        {
            await context.Response.WriteApiResponseAsync(EmbeddingApi.Error(new ApiException(401, "Missing or incorrect API key: send 'Authorization: Bearer KEY' or 'api-key: KEY'.", code: "invalid_api_key"))).ConfigureAwait(false);
            return;
        }

        await context.Response.WriteApiResponseAsync(await handle(context).ConfigureAwait(false)).ConfigureAwait(false);
    }

    // Compared in constant time, so response timing does not reveal how much of a guessed key is right.
    private static bool HasKey(HttpRequest request, string apiKey) =>
        SameKey(request.Headers.Authorization.ToString(), $"Bearer {apiKey}") || SameKey(request.Headers["api-key"].ToString(), apiKey);

    private static bool SameKey(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}

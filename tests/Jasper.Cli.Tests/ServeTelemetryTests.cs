using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Jasper.Cli.Serving;
using Jasper.TestSupport;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Jasper.Cli.Tests;

/// <summary>What `jasper serve` tells operators: Prometheus metrics, the OpenAPI document and its logs.</summary>
[Collection(ServerMetricsGroup.Name)]
public sealed class ServeTelemetryTests
{
    [Fact]
    public async Task Metrics_counters_move_after_requests_by_route_and_status()
    {
        await using var server = await EmbeddingServer.StartAsync(new ServeOptions { Model = TinyModels.Fp32, Urls = "http://127.0.0.1:0" });
        await server.Host.WaitReadyAsync();
        using var http = new HttpClient { BaseAddress = server.Address };

        var before = await ScrapeAsync(http);
        long promptTokens = 0;
        for (int i = 0; i < 3; i++)
        {
            using var ok = await http.PostAsync("v1/embeddings", Json("""{"input": ["metrics move", "after requests"]}"""));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            using var answer = JsonDocument.Parse(await ok.Content.ReadAsStringAsync());
            promptTokens += answer.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt64();
        }

        using var bad = await http.PostAsync("api/embed", Json("""{"input": """));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var after = await ScrapeAsync(http);

        // Other servers of the test run may share the process's meters, so counts move by at least these requests.
        Assert.True(Sum(after, "jasper_embedding_requests_total", "jasper_route=\"openai\"", "http_response_status_code=\"200\"") - Sum(before, "jasper_embedding_requests_total", "jasper_route=\"openai\"", "http_response_status_code=\"200\"") >= 3);
        Assert.True(Sum(after, "jasper_embedding_requests_total", "jasper_route=\"native\"", "http_response_status_code=\"400\"") - Sum(before, "jasper_embedding_requests_total", "jasper_route=\"native\"", "http_response_status_code=\"400\"") >= 1);
        Assert.True(Sum(after, "jasper_embedding_input_tokens_total", "jasper_route=\"openai\"") - Sum(before, "jasper_embedding_input_tokens_total", "jasper_route=\"openai\"") >= promptTokens);
        Assert.True(Sum(after, "jasper_embedding_request_duration_seconds_count", "jasper_route=\"openai\"") - Sum(before, "jasper_embedding_request_duration_seconds_count", "jasper_route=\"openai\"") >= 3);
        Assert.True(Sum(after, "jasper_batch_size_sum") - Sum(before, "jasper_batch_size_sum") >= 6, "every text ran in some batch");
        Assert.True(Sum(after, "jasper_model_load_duration_seconds_count", "jasper_outcome=\"ready\"") >= 1);
        Assert.Contains(after, line => line.StartsWith("jasper_batch_pending_requests", StringComparison.Ordinal));

        // Histograms of seconds have buckets in seconds (the SDK's defaults start at 5 and 10, meant for milliseconds).
        Assert.Contains(after, line => line.StartsWith("jasper_embedding_request_duration_seconds_bucket{", StringComparison.Ordinal) && line.Contains("le=\"0.005\"", StringComparison.Ordinal));
        Assert.Contains(after, line => line.StartsWith("jasper_batch_tokens_bucket{", StringComparison.Ordinal) && line.Contains("le=\"1024\"", StringComparison.Ordinal));
        Assert.Contains(after, line => line.StartsWith("http_server_request_duration_seconds_count", StringComparison.Ordinal) && line.Contains("http_route=\"/v1/embeddings\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_OpenAPI_document_parses_as_OpenAPI_3_and_describes_every_route()
    {
        await using var server = await EmbeddingServer.StartAsync(new ServeOptions { Model = TinyModels.Fp32, Urls = "http://127.0.0.1:0", ApiKey = "k" });
        using var http = new HttpClient { BaseAddress = server.Address };
        using var response = await http.GetAsync("openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var read = await OpenApiDocument.LoadAsync(await response.Content.ReadAsStreamAsync(), "json", new OpenApiReaderSettings());
        Assert.Empty(read.Diagnostic!.Errors);
        Assert.StartsWith("3.", read.Diagnostic.SpecificationVersion switch { OpenApiSpecVersion.OpenApi3_0 => "3.0", OpenApiSpecVersion.OpenApi3_1 => "3.1", var v => v.ToString() }, StringComparison.Ordinal);
        var document = read.Document!;

        var described = document.Paths.SelectMany(p => p.Value.Operations!.Keys.Select(m => (m.Method.ToUpperInvariant(), p.Key))).ToHashSet();
        var mapped = server.Routes.Where(r => r.Pattern is not "/metrics" && !r.Pattern.StartsWith("/openapi", StringComparison.Ordinal)).ToList();
        Assert.Equal(7, mapped.Count);
        foreach (var route in mapped)
        {
            Assert.Contains(route, described);
        }

        var embeddings = document.Paths["/v1/embeddings"].Operations![HttpMethod.Post];
        Assert.True(embeddings.RequestBody!.Required);
        Assert.Contains("input_type", embeddings.Description, StringComparison.Ordinal);

        // The body schemas name exactly the fields the parser takes: every one of them is known to it, and the
        // native route's are the OpenAI route's plus priority and normalize, which the OpenAI route refuses.
        var openAI = embeddings.RequestBody.Content!["application/json"].Schema!;
        var native = document.Paths["/api/embed"].Operations![HttpMethod.Post].RequestBody!.Content!["application/json"].Schema!;
        Assert.Equal(["input"], openAI.Required!);
        Assert.False(openAI.AdditionalPropertiesAllowed);
        Assert.Equal(["document", "passage", "query", "search_document", "search_query"], openAI.Properties!["input_type"].Enum!.Select(v => v!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal(openAI.Properties.Keys.Concat(["priority", "normalize"]).Order(StringComparer.Ordinal), native.Properties!.Keys.Order(StringComparer.Ordinal));
        using var client = new HttpClient { BaseAddress = server.Address };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "k");
        await server.Host.WaitReadyAsync();
        foreach (string field in native.Properties.Keys)
        {
            using var answer = await client.PostAsync("api/embed", new StringContent($$"""{"{{field}}": null, "not_a_field": 1}""", Encoding.UTF8, "application/json"));
            using var error = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
            Assert.Equal("not_a_field", error.RootElement.GetProperty("error").GetProperty("param").GetString());
        }

        using var priority = await client.PostAsync("v1/embeddings", new StringContent("""{"input": "x", "priority": "high"}""", Encoding.UTF8, "application/json"));
        using var refused = JsonDocument.Parse(await priority.Content.ReadAsStringAsync());
        Assert.Equal("priority", refused.RootElement.GetProperty("error").GetProperty("param").GetString());
        Assert.Contains("429", embeddings.Responses!.Keys);
        Assert.DoesNotContain("401", document.Paths["/api/health"].Operations![HttpMethod.Get].Responses!.Keys);
    }

    [Fact]
    public async Task Serve_logs_requests_only_at_debug_and_the_cpu_fallback_once()
    {
        var quiet = CliRunner.ServeOnceAsync(TinyModels.Fp32);
        var debug = CliRunner.ServeOnceAsync(TinyModels.Fp32, "--log-level", "debug");
        string quietLog = await quiet;
        string debugLog = await debug;

        Assert.DoesNotContain("Request starting", quietLog, StringComparison.Ordinal);
        Assert.Contains("Request starting", debugLog, StringComparison.Ordinal);
        Assert.Single(quietLog.Split('\n'), l => l.Contains("execution provider", StringComparison.OrdinalIgnoreCase));
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<List<string>> ScrapeAsync(HttpClient http)
    {
        using var response = await http.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        return (await response.Content.ReadAsStringAsync()).Split('\n').Where(l => l.Length > 0 && l[0] != '#').ToList();
    }

    // The sum of a metric's samples whose labels include every one of labels.
    private static double Sum(List<string> lines, string metric, params string[] labels) => lines
        .Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal) && labels.All(label => l.Contains(label, StringComparison.Ordinal)))
        .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}

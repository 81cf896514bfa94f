using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Jasper.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Jasper.Azure.Tests.Sinks;

/// <summary>
/// A local stand-in for Azure AI Search (the real service cannot run here) on a real Kestrel server. It records
/// every REST request the real SDK sends and implements just what the vector sink uses: create-or-update index,
/// index documents (mergeOrUpload, delete) with per-key results, and filtered search on <c>eq</c>/<c>ne</c>
/// clauses joined by <c>and</c>. Keys can be made to fail once (503) or always (400).
/// </summary>
public sealed partial class RecordingSearchService : IAsyncDisposable
{
    private const int MaxPageSize = 1000;
    private const int MaxSkip = 100_000;

    private readonly LocalHttpServer _server;

    private RecordingSearchService(LocalHttpServer server) => _server = server;

    /// <summary>The service endpoint (https: the SDK accepts nothing else).</summary>
    public Uri Endpoint => _server.BaseAddress;

    /// <summary>SDK options whose transport trusts this server's certificate.</summary>
    public global::Azure.Search.Documents.SearchClientOptions ClientOptions => new()
    {
        Transport = new global::Azure.Core.Pipeline.HttpClientTransport(_server.CreateTrustingHandler()),
        Retry = { MaxRetries = 0 },
    };

    /// <summary>Every request, in order.</summary>
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Index definitions received, by name.</summary>
    public ConcurrentDictionary<string, JsonObject> Indexes { get; } = new();

    /// <summary>The documents stored, by key.</summary>
    public ConcurrentDictionary<string, JsonObject> Documents { get; } = new();

    /// <summary>Keys refused once with 503, then accepted.</summary>
    public ConcurrentDictionary<string, bool> FailOnce { get; } = new();

    /// <summary>Whether the next index creation is refused with 503 (a transient outage at start-up).</summary>
    public bool FailIndexCreationOnce { get; set; }

    /// <summary>Keys always refused with 400.</summary>
    public ConcurrentDictionary<string, bool> FailAlways { get; } = new();

    public static async Task<RecordingSearchService> StartAsync()
    {
        RecordingSearchService? service = null;
        var server = await LocalHttpServer.StartAsync(app => app.Run(context => service!.HandleAsync(context)), https: true);
        service = new RecordingSearchService(server);
        return service;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [GeneratedRegex(@"^/indexes\('([^']+)'\)(/docs/(search\.index|search\.post\.search))?$")]
    private static partial Regex Route();

    [GeneratedRegex(@"^\s*(\w+) (eq|ne) '([^']*)'\s*$")]
    private static partial Regex Clause();

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var json = body.Length > 0 ? JsonNode.Parse(body.ToArray())!.AsObject() : new JsonObject();
        var match = Route().Match(context.Request.Path.Value ?? string.Empty);
        string action = match.Groups[3].Value;
        Requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, body.Length,
            json["value"] is JsonArray value ? value.Count : null, context.Request.Headers["api-key"].ToString(), json.ToJsonString()));
        context.Response.ContentType = "application/json";
        JsonObject response;
        if (!match.Success)
        {
            context.Response.StatusCode = 404;
            return;
        }
        else if (action.Length == 0 && context.Request.Method == "PUT" && FailIndexCreationOnce)
        {
            FailIndexCreationOnce = false;
            context.Response.StatusCode = 503;
            response = new JsonObject { ["error"] = new JsonObject { ["code"] = "ServiceUnavailable", ["message"] = "Try again later." } };
        }
        else if (action.Length == 0 && context.Request.Method == "PUT")
        {
            Indexes[match.Groups[1].Value] = json;
            context.Response.StatusCode = 201;
            response = (JsonObject)json.DeepClone();
        }
        else if (action.Length > 0 && !Indexes.ContainsKey(match.Groups[1].Value))
        {
            // What the service answers for the documents of an index that does not exist.
            context.Response.StatusCode = 404;
            response = new JsonObject { ["error"] = new JsonObject { ["code"] = string.Empty, ["message"] = $"The index '{match.Groups[1].Value}' for service 'recording' was not found." } };
        }
        else if (action == "search.index")
        {
            response = Index(json, context);
        }
        else if (action == "search.post.search")
        {
            response = Search(json);
        }
        else
        {
            context.Response.StatusCode = 405;
            return;
        }

        await context.Response.WriteAsync(response.ToJsonString());
    }

    private JsonObject Index(JsonObject request, HttpContext context)
    {
        var results = new JsonArray();
        bool anyFailed = false;
        foreach (var item in request["value"]!.AsArray())
        {
            var document = item!.AsObject();
            string key = document["id"]!.GetValue<string>();
            string action = document["@search.action"]!.GetValue<string>();
            int status = FailAlways.ContainsKey(key) ? 400 : FailOnce.TryRemove(key, out _) ? 503 : 200;
            if (status == 200)
            {
                if (action == "delete")
                {
                    Documents.TryRemove(key, out _);
                }
                else
                {
                    var stored = (JsonObject)document.DeepClone();
                    stored.Remove("@search.action");
                    Documents[key] = stored;
                }
            }

            anyFailed |= status != 200;
            results.Add(new JsonObject { ["key"] = key, ["status"] = status == 200, ["errorMessage"] = status == 200 ? null : $"refused ({status})", ["statusCode"] = status });
        }

        context.Response.StatusCode = anyFailed ? 207 : 200;
        return new JsonObject { ["value"] = results };
    }

    private JsonObject Search(JsonObject request)
    {
        string filter = request["filter"]?.GetValue<string>() ?? string.Empty;
        var clauses = filter.Length == 0 ? [] : filter.Split(" and ").Select(c => Clause().Match(c)).ToList();
        if (clauses.Any(c => !c.Success))
        {
            throw new NotSupportedException($"The recording service does not understand the filter '{filter}'.");
        }

        // Paged as the service pages (Search Documents REST API): top defaults to 50, skip to 0 (at most 100,000), and
        // a response holds at most 1,000 results; when top asks for more and more match, the response carries
        // @search.nextPageParameters (the request for the rest), which the SDK follows.
        int top = request["top"]?.GetValue<int>() ?? 50;
        int skip = request["skip"]?.GetValue<int>() ?? 0;
        if (skip > MaxSkip)
        {
            throw new NotSupportedException($"skip {skip} is past the service's limit of {MaxSkip}.");
        }

        var matches = Documents.Values
            .Where(d => clauses.All(c => (d[c.Groups[1].Value]?.ToString() == c.Groups[3].Value) == (c.Groups[2].Value == "eq")))
            .OrderBy(d => d["id"]!.GetValue<string>(), StringComparer.Ordinal) // one stable order across pages
            .ToList();
        int size = Math.Min(top, MaxPageSize);
        var hits = new JsonArray();
        foreach (var document in matches.Skip(skip).Take(size))
        {
            hits.Add(new JsonObject { ["@search.score"] = 1.0, ["id"] = document["id"]!.GetValue<string>() });
        }

        var response = new JsonObject { ["value"] = hits };
        if (top > MaxPageSize && matches.Count > skip + size)
        {
            var next = (JsonObject)request.DeepClone();
            next["skip"] = skip + size;
            next["top"] = top - size;
            response["@search.nextPageParameters"] = next;
        }

        return response;
    }
}

/// <summary>One request the recording service received.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="PathAndQuery">Path and query string.</param>
/// <param name="BodyBytes">Size of the body.</param>
/// <param name="DocumentCount">Documents in an indexing batch.</param>
/// <param name="ApiKey">The api-key header.</param>
/// <param name="Body">The body as JSON text.</param>
public sealed record RecordedRequest(string Method, string PathAndQuery, long BodyBytes, int? DocumentCount, string ApiKey, string Body);

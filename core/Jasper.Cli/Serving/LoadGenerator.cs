using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Jasper.Cli.Serving;

/// <summary>
/// Concurrent clients, each sending one OpenAI embedding request of short queries at a time to an embedding server
/// for a fixed time: what <c>jasper loadtest</c> and the serving part of <c>jasper bench</c> measure.
/// </summary>
internal sealed class LoadGenerator
{
    private readonly Uri _url;
    private readonly string? _apiKey;

    public LoadGenerator(Uri url, int clients, int inputsPerRequest = 1, string? apiKey = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clients, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputsPerRequest, 1);
        _url = url;
        Clients = clients;
        InputsPerRequest = inputsPerRequest;
        _apiKey = apiKey;
    }

    public int Clients { get; }

    public int InputsPerRequest { get; }

    /// <summary>Sends for <paramref name="warmup"/> unmeasured, then for <paramref name="duration"/>.</summary>
    public async Task<LoadSummary> RunAsync(TimeSpan warmup, TimeSpan duration, CancellationToken cancellationToken)
    {
        if (warmup > TimeSpan.Zero)
        {
            await SendAsync(warmup, cancellationToken).ConfigureAwait(false);
        }

        return await SendAsync(duration, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One line for a person.</summary>
    public string Describe(LoadSummary s) => string.Create(CultureInfo.InvariantCulture,
        $"{Clients} clients, {InputsPerRequest} text(s) of {s.TokensPerRequest / InputsPerRequest:0.0} tokens per request: {s.Requests} requests in {s.Seconds:0.0} s, answered at {s.RequestsPerSecond:0.0} requests/s " +
        $"({s.RequestsPerSecond * InputsPerRequest:0.0} texts/s); latency p50 {s.P50Milliseconds:0.0} ms, p99 {s.P99Milliseconds:0.0} ms; {s.Errors} errors") + ByStatus(s);

    // Which statuses the errors were: 429 (busy) and 503 (loading) call for different fixes.
    private static string ByStatus(LoadSummary s) => s.Errors == 0
        ? string.Empty
        : $" ({string.Join(", ", s.ErrorsByStatus.OrderBy(e => e.Key).Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Key}: {e.Value}")))})";

    // Short search queries (6 to 12 tokens), English and Chinese, as search boxes send them; each client walks the
    // list from its own place, so concurrent requests differ.
    private static readonly string[] Queries =
    [
        "how to reset a forgotten router password",
        "best hiking trails near lake tahoe",
        "symptoms of vitamin d deficiency in adults",
        "python read csv file into dataframe",
        "cheap flights from london to tokyo in may",
        "what is token compression in embeddings",
        "如何更换汽车轮胎",
        "北京明天的天气预报",
        "azure functions blob trigger example",
        "difference between ram and storage",
        "easy vegetarian lasagna recipe",
        "向量数据库是什么",
        "how long to boil an egg",
        "jasper embedding model compression ratio",
        "tax deadline for small businesses",
        "why is the sky blue at noon",
    ];

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private async Task<LoadSummary> SendAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients }) { BaseAddress = _url, Timeout = TimeSpan.FromMinutes(5) };
        if (_apiKey is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        }

        var latencies = new List<double>[Clients];
        var errorsByStatus = new ConcurrentDictionary<int, int>();
        long tokens = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async client =>
        {
            latencies[client] = [];
            for (int n = 0; clock.Elapsed < duration; n++)
            {
                string body = JsonSerializer.Serialize(new { input = Enumerable.Range(0, InputsPerRequest).Select(i => Queries[((client * 7) + (n * InputsPerRequest) + i) % Queries.Length]).ToArray(), encoding_format = "base64" });
                var started = clock.Elapsed;
                using var response = await PostAsync(http, body, cancellationToken).ConfigureAwait(false);
                byte[] answer = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    latencies[client].Add((clock.Elapsed - started).TotalMilliseconds);
                    Interlocked.Add(ref tokens, PromptTokens(answer));
                }
                else
                {
                    errorsByStatus.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                }
            }
        })).ConfigureAwait(false);

        // Rates and latencies are of the answered requests only: a refusal (429) comes back at once, so counted with
        // them it would make a server that turns work away look fast.
        double[] sorted = [.. latencies.SelectMany(l => l).Order()];
        double seconds = clock.Elapsed.TotalSeconds;
        double tokensPerRequest = sorted.Length > 0 ? (double)tokens / sorted.Length : 0;
        return new LoadSummary(sorted.Length + errorsByStatus.Values.Sum(), seconds, sorted.Length / seconds, Percentile(sorted, 0.50), Percentile(sorted, 0.99), tokensPerRequest, errorsByStatus);
    }

    // A server that cannot be reached ends the run with what the user can do about it, not with a stack trace.
    private async Task<HttpResponseMessage> PostAsync(HttpClient http, string body, CancellationToken cancellationToken)
    {
        try
        {
            return await http.PostAsync("api/v1/embeddings", new StringContent(body, Encoding.UTF8, "application/json"), cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.StatusCode is null)
        {
            throw new IOException($"could not reach {_url}: {ex.Message} Is the server running (jasper serve --urls {_url.GetLeftPart(UriPartial.Authority)})?", ex);
        }
    }

    // The server's own count (usage.prompt_tokens), so the report says how short the queries really were.
    private static long PromptTokens(byte[] answer)
    {
        using var json = JsonDocument.Parse(answer);
        return json.RootElement.TryGetProperty("usage", out var usage) && usage.TryGetProperty("prompt_tokens", out var count) ? count.GetInt64() : 0;
    }
}

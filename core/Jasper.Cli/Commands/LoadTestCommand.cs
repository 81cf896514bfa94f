using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Jasper.Cli.Commands;

/// <summary>
/// <c>jasper loadtest</c>: N concurrent clients sending OpenAI embedding requests of short queries to a running
/// <c>jasper serve</c> (or the Functions app) for a fixed time, reporting requests/s and latency percentiles.
/// </summary>
internal static class LoadTestCommand
{
    public static Command Create(CliConsole console)
    {
        var url = new Option<string>("--url") { Description = "Base address of the server (its routes are under /api).", Required = true };
        url.Validators.Add(result =>
        {
            if (!Uri.TryCreate(result.GetValueOrDefault<string>(), UriKind.Absolute, out _))
            {
                result.AddError("--url must be an absolute address such as http://127.0.0.1:8080/.");
            }
        });
        var clients = new Option<int>("--clients") { Description = "Concurrent clients, each sending one request at a time.", DefaultValueFactory = _ => 32 };
        var seconds = new Option<double>("--seconds") { Description = "How long to send.", DefaultValueFactory = _ => 20 };
        var warmup = new Option<double>("--warmup") { Description = "Seconds of load before measuring.", DefaultValueFactory = _ => 3 };
        var inputs = new Option<int>("--inputs") { Description = "Texts per request.", DefaultValueFactory = _ => 1 };
        var apiKey = new Option<string?>("--api-key") { Description = "Bearer key, when the server needs one." };
        var command = new Command("loadtest", "Measure an embedding server's throughput and latency under concurrent short queries.") { url, clients, seconds, warmup, inputs, apiKey };
        command.SetAction((parse, cancellationToken) => JasperCommandLine.RunAsync(console, async () =>
        {
            var settings = new Settings(new Uri(parse.GetRequiredValue(url)), parse.GetValue(clients), parse.GetValue(inputs), parse.GetValue(apiKey));
            await RunAsync(settings, TimeSpan.FromSeconds(parse.GetValue(warmup)), cancellationToken).ConfigureAwait(false);
            var result = await RunAsync(settings, TimeSpan.FromSeconds(parse.GetValue(seconds)), cancellationToken).ConfigureAwait(false);
            await console.Out.WriteLineAsync(result.Describe(settings)).ConfigureAwait(false);
            return result.Errors == 0 ? 0 : 1;
        }));
        return command;
    }

    private static async Task<Result> RunAsync(Settings settings, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = settings.Clients }) { BaseAddress = settings.Url, Timeout = TimeSpan.FromMinutes(5) };
        if (settings.ApiKey is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiKey);
        }

        var latencies = new List<double>[settings.Clients];
        int errors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, settings.Clients).Select(async client =>
        {
            latencies[client] = [];
            for (int n = 0; clock.Elapsed < duration; n++)
            {
                string body = JsonSerializer.Serialize(new { input = Enumerable.Range(0, settings.Inputs).Select(i => Query(client, n, i)).ToArray(), encoding_format = "base64" });
                var started = clock.Elapsed;
                using var response = await http.PostAsync("api/v1/embeddings", new StringContent(body, Encoding.UTF8, "application/json"), cancellationToken).ConfigureAwait(false);
                await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                latencies[client].Add((clock.Elapsed - started).TotalMilliseconds);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })).ConfigureAwait(false);
        return new Result([.. latencies.SelectMany(l => l).Order()], clock.Elapsed, errors);
    }

    // Short, varied queries (about 10-20 tokens), as search clients send.
    private static string Query(int client, int request, int input) =>
        $"how does token compression number {client}-{request}-{input} change the speed of long document embeddings";

    private sealed record Settings(Uri Url, int Clients, int Inputs, string? ApiKey);

    private sealed record Result(double[] Latencies, TimeSpan Elapsed, int Errors)
    {
        public string Describe(Settings settings)
        {
            double seconds = Elapsed.TotalSeconds;
            return string.Create(CultureInfo.InvariantCulture,
                $"{settings.Clients} clients, {settings.Inputs} text(s) per request: {Latencies.Length} requests in {seconds:0.0} s = {Latencies.Length / seconds:0.0} requests/s " +
                $"({Latencies.Length * settings.Inputs / seconds:0.0} texts/s); latency p50 {Percentile(0.50):0.0} ms, p90 {Percentile(0.90):0.0} ms, p99 {Percentile(0.99):0.0} ms; {Errors} errors");
        }

        private double Percentile(double p) => Latencies.Length == 0 ? 0 : Latencies[Math.Min(Latencies.Length - 1, (int)Math.Ceiling(p * Latencies.Length) - 1)];
    }
}

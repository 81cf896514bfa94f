using System.CommandLine;
using Jasper.Cli.Serving;

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
            var load = new LoadGenerator(new Uri(parse.GetRequiredValue(url)), parse.GetValue(clients), parse.GetValue(inputs), parse.GetValue(apiKey));
            var result = await load.RunAsync(TimeSpan.FromSeconds(parse.GetValue(warmup)), TimeSpan.FromSeconds(parse.GetValue(seconds)), cancellationToken).ConfigureAwait(false);
            await console.Out.WriteLineAsync(load.Describe(result)).ConfigureAwait(false);
            return result.Errors == 0 ? 0 : 1;
        }));
        return command;
    }
}

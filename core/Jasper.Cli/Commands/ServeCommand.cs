using System.CommandLine;
using Jasper.Cli.Serving;
using Jasper.Serving.Batching;

namespace Jasper.Cli.Commands;

/// <summary><c>jasper serve</c>: the embedding HTTP API on Kestrel until stopped.</summary>
internal static class ServeCommand
{
    public static Command Create(CliConsole console)
    {
        var model = ModelCommands.ModelOption();
        var urls = new Option<string>("--urls") { Description = "Addresses to listen on.", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var apiKey = new Option<string?>("--api-key") { Description = "Require this key (Authorization: Bearer KEY, or api-key: KEY)." };
        var noBatching = new Option<bool>("--no-batching") { Description = "Run each request on its own instead of coalescing concurrent ones." };
        var defaults = new DynamicBatchingOptions();
        var maxRequests = new Option<int>("--max-pending-requests") { Description = "Requests waiting or running before new ones are answered 429 server_busy.", DefaultValueFactory = _ => defaults.MaxPendingRequests };
        var maxTokens = new Option<long>("--max-pending-tokens") { Description = "Tokens waiting or running before new requests are answered 429 server_busy.", DefaultValueFactory = _ => defaults.MaxPendingTokens };
        var defaultPrompt = new Option<string?>("--default-prompt-name") { Description = "Prompt for requests that name none (query or document); OpenAI clients can also send input_type or prompt_name as extra body fields." };
        var device = new DeviceOption();
        var batchTokens = new BatchTokensOption();
        var command = new Command("serve", "Serve /api/v1/embeddings (OpenAI-compatible), /api/embed, /api/health and /api/info.") { model, urls, apiKey, noBatching, maxRequests, maxTokens, defaultPrompt, device, batchTokens };
        command.SetAction((parse, cancellationToken) => JasperCommandLine.RunAsync(console, async () =>
        {
            var options = new ServeOptions
            {
                Model = await ModelCommands.LocateAsync(console, parse.GetValue(model), cancellationToken).ConfigureAwait(false),
                Urls = parse.GetRequiredValue(urls),
                ApiKey = parse.GetValue(apiKey),
                DynamicBatching = !parse.GetValue(noBatching),
                MaxPendingRequests = parse.GetValue(maxRequests),
                MaxPendingTokens = parse.GetValue(maxTokens),
                Device = device.Provider(parse),
                BatchTokens = parse.GetValue(batchTokens),
                DefaultPromptName = parse.GetValue(defaultPrompt),
            };
            await using var server = await EmbeddingServer.StartAsync(options, CliLogging.Level(parse, Microsoft.Extensions.Logging.LogLevel.Information)).ConfigureAwait(false);
            await console.Error.WriteLineAsync($"Serving on {server.Address} (dynamic batching {(options.DynamicBatching ? "on" : "off")}); Ctrl+C stops.").ConfigureAwait(false);
            var shutdown = server.WaitForShutdownAsync(cancellationToken);
            var ready = server.Host.WaitReadyAsync(cancellationToken);
            if (await Task.WhenAny(ready, shutdown).ConfigureAwait(false) == ready && ready.IsFaulted)
            {
                // Unlike the Functions app, whose probes read /api/health, nobody watches a command-line server: a
                // model that cannot load ends it, with the reason, instead of answering 503 for ever.
                await console.Error.WriteLineAsync($"The model could not be loaded, so there is nothing to serve: {server.Host.FailureReason}").ConfigureAwait(false);
                return 1;
            }

            await shutdown.ConfigureAwait(false);
            return 0;
        }));
        return command;
    }
}

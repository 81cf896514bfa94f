using System.Buffers;
using System.Text.Json;
using Jasper.Embeddings.Numerics;
using Microsoft.Win32.SafeHandles;

namespace Jasper.Embeddings.Checkpoints;

/// <summary>
/// A checkpoint directory in the published layout: <c>config.json</c>, <c>model.safetensors</c> or a sharded
/// <c>model.safetensors.index.json</c>, tokenizer files and sentence-transformers settings. Tensors are read one at a
/// time so that converting never holds more than one of them.
/// </summary>
public sealed class Checkpoint
{
    /// <summary>The single-file weights name.</summary>
    public const string SingleFileName = "model.safetensors";

    /// <summary>The index of a sharded checkpoint.</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    private const string ModelPrefix = "model.";
    private readonly Dictionary<string, SafeTensorInfo> _tensors;

    private Checkpoint(string directory, ModelConfig config, Dictionary<string, SafeTensorInfo> tensors, SentenceTransformersSettings settings)
    {
        Directory = directory;
        Config = config;
        _tensors = tensors;
        SentenceTransformers = settings;
    }

    /// <summary>The checkpoint directory.</summary>
    public string Directory { get; }

    /// <summary>The architecture from <c>config.json</c>.</summary>
    public ModelConfig Config { get; }

    /// <summary>Prompts, maximum length and normalisation from the sentence-transformers files.</summary>
    internal SentenceTransformersSettings SentenceTransformers { get; }

    /// <summary>All tensor names as stored.</summary>
    public IEnumerable<string> TensorNames => _tensors.Keys;

    /// <summary>Total bytes of all weight files.</summary>
    public long WeightBytes => _tensors.Values.Sum(t => t.ByteLength);

    /// <summary>Opens a checkpoint directory and reads its headers (no tensor data).</summary>
    public static Checkpoint Open(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw new CheckpointFormatException($"Checkpoint directory '{directory}' does not exist.");
        }

        string configPath = Path.Combine(directory, "config.json");
        if (!File.Exists(configPath))
        {
            throw new CheckpointFormatException($"'{directory}' has no config.json; is it a Hugging Face checkpoint?");
        }

        var config = ModelConfig.Load(configPath);
        var tensors = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
        foreach (string file in WeightFiles(directory))
        {
            foreach (var info in SafeTensorsFile.ReadHeader(file))
            {
                if (!tensors.TryAdd(info.Name, info))
                {
                    throw new CheckpointFormatException($"Tensor '{info.Name}' appears in more than one weight file.");
                }
            }
        }

        return new Checkpoint(directory, config, tensors, SentenceTransformersSettings.Load(directory));
    }

    /// <summary>
    /// Finds a tensor by its published name (<c>model.layers.0.mlp.up_proj.weight</c>); checkpoints saved from the
    /// bare Qwen3 model omit the <c>model.</c> prefix, so that spelling is accepted too.
    /// </summary>
    internal SafeTensorInfo? Find(string publishedName)
    {
        if (_tensors.TryGetValue(publishedName, out var info))
        {
            return info;
        }

        return publishedName.StartsWith(ModelPrefix, StringComparison.Ordinal)
            && _tensors.TryGetValue(publishedName[ModelPrefix.Length..], out info) ? info : null;
    }

    /// <summary>Like <see cref="Find"/> but a missing tensor is an error naming it.</summary>
    internal SafeTensorInfo Get(string publishedName) => Find(publishedName)
        ?? throw new CheckpointFormatException($"Checkpoint '{Directory}' has no tensor '{publishedName}'.");

    /// <summary>Reads a whole tensor as float32, checking its shape.</summary>
    public float[] ReadFloat32(string publishedName, params long[] expectedShape)
    {
        var info = GetWithShape(publishedName, expectedShape);
        var values = new float[info.ElementCount];
        ReadInto(info, values);
        return values;
    }

    /// <summary>
    /// Reads a whole tensor as float32 into the start of <paramref name="destination"/> (which must be large
    /// enough), checking its shape, and returns the part written. Lets a caller reuse one buffer for many tensors.
    /// </summary>
    public Span<float> ReadFloat32(string publishedName, Span<float> destination, params long[] expectedShape)
    {
        var info = GetWithShape(publishedName, expectedShape);
        var target = destination[..checked((int)info.ElementCount)];
        ReadInto(info, target);
        return target;
    }

    private SafeTensorInfo GetWithShape(string publishedName, long[] expectedShape)
    {
        var info = Get(publishedName);
        if (expectedShape.Length > 0 && !info.Shape.SequenceEqual(expectedShape))
        {
            throw new CheckpointFormatException(
                $"Tensor '{info.Name}' has shape [{string.Join(", ", info.Shape)}]; config.json implies [{string.Join(", ", expectedShape)}].");
        }

        return info;
    }

    private static void ReadInto(SafeTensorInfo info, Span<float> destination)
    {
        const int ChunkElements = 1 << 22;
        int elementSize = info.DType.SizeOf();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkElements * elementSize);
        try
        {
            using SafeFileHandle handle = File.OpenHandle(info.FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
            for (int done = 0; done < destination.Length;)
            {
                int count = Math.Min(ChunkElements, destination.Length - done);
                Span<byte> bytes = buffer.AsSpan(0, count * elementSize);
                long offset = info.Offset + ((long)done * elementSize);
                for (int read = 0; read < bytes.Length;)
                {
                    int n = RandomAccess.Read(handle, bytes[read..], offset + read);
                    if (n == 0)
                    {
                        throw new CheckpointFormatException($"{info.FilePath} ends inside tensor '{info.Name}'.");
                    }

                    read += n;
                }

                FloatConversion.ToFloat32(bytes, info.DType, destination.Slice(done, count));
                done += count;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static List<string> WeightFiles(string directory)
    {
        string single = Path.Combine(directory, SingleFileName);
        if (File.Exists(single))
        {
            return [single];
        }

        string index = Path.Combine(directory, IndexFileName);
        if (!File.Exists(index))
        {
            throw new CheckpointFormatException($"'{directory}' has neither {SingleFileName} nor {IndexFileName}.");
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(index));
            var files = doc.RootElement.GetProperty("weight_map").EnumerateObject()
                .Select(p => p.Value.GetString()!).Distinct(StringComparer.Ordinal)
                .Select(f => Path.Combine(directory, f)).ToList();
            var missing = files.Where(f => !File.Exists(f)).ToList();
            if (missing.Count > 0)
            {
                throw new CheckpointFormatException($"{index} names shards that are missing: {string.Join(", ", missing.Select(Path.GetFileName))}.");
            }

            return files;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new CheckpointFormatException($"{index} is malformed: {ex.Message}", ex);
        }
    }
}

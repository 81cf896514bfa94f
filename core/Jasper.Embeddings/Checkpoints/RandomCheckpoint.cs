using System.Text.Json;
using System.Text.Json.Nodes;
using Jasper.Embeddings.Numerics;

namespace Jasper.Embeddings.Checkpoints;

/// <summary>
/// Writes deterministic random-weight checkpoints in the published layout, of any size, so that tests and
/// benchmarks never need the real weights. Each tensor draws from its own stream seeded by the seed and the
/// tensor's name, so the bytes do not depend on the order of writing or on sharding.
/// </summary>
/// <remarks>
/// Scales keep activations of order one through any depth (projections ~ N(0, 1/fan_in), norms ~ 1 + N(0, 0.1))
/// so that the random model separates texts and ratios clearly, which the parity tests rely on.
/// </remarks>
public static class RandomCheckpoint
{
    /// <summary>Writes the checkpoint to <paramref name="outputDirectory"/> and returns the files written.</summary>
    public static IReadOnlyList<string> Write(RandomCheckpointOptions options, string outputDirectory)
    {
        Directory.CreateDirectory(outputDirectory);
        var tensors = Tensors(options).ToList();
        var written = new List<string>();
        var shards = Shard(tensors, options.DType, options.MaxShardBytes);
        if (shards.Count == 1)
        {
            string path = Path.Combine(outputDirectory, Checkpoint.SingleFileName);
            SafeTensorsWriter.Write(path, shards[0], options.DType);
            written.Add(path);
        }
        else
        {
            var weightMap = new JsonObject();
            for (int i = 0; i < shards.Count; i++)
            {
                string name = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
                SafeTensorsWriter.Write(Path.Combine(outputDirectory, name), shards[i], options.DType);
                written.Add(Path.Combine(outputDirectory, name));
                foreach (var tensor in shards[i])
                {
                    weightMap[tensor.Name] = name;
                }
            }

            long total = tensors.Sum(t => t.ElementCount * options.DType.SizeOf());
            var index = new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = total }, ["weight_map"] = weightMap };
            string indexPath = Path.Combine(outputDirectory, Checkpoint.IndexFileName);
            File.WriteAllText(indexPath, index.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            written.Add(indexPath);
        }

        var config = options.Config with { TorchDtype = options.DType == TensorDType.Float32 ? "float32" : options.DType == TensorDType.Float16 ? "float16" : "bfloat16" };
        File.WriteAllText(Path.Combine(outputDirectory, "config.json"), config.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        new SentenceTransformersSettings().Save(outputDirectory);
        foreach (string file in new[] { "tokenizer.json", "tokenizer_config.json" })
        {
            File.Copy(Path.Combine(options.TokenizerDirectory, file), Path.Combine(outputDirectory, file), overwrite: true);
        }

        return written;
    }

    private static List<List<SafeTensorsWriter.TensorSource>> Shard(
        List<SafeTensorsWriter.TensorSource> tensors, TensorDType dtype, long? maxShardBytes)
    {
        var shards = new List<List<SafeTensorsWriter.TensorSource>> { new() };
        long size = 0;
        foreach (var tensor in tensors)
        {
            long bytes = tensor.ElementCount * dtype.SizeOf();
            if (maxShardBytes is long max && size > 0 && size + bytes > max)
            {
                shards.Add([]);
                size = 0;
            }

            shards[^1].Add(tensor);
            size += bytes;
        }

        return shards;
    }

    private static IEnumerable<SafeTensorsWriter.TensorSource> Tensors(RandomCheckpointOptions options)
    {
        var c = options.Config;
        long q = (long)c.NumAttentionHeads * c.HeadDim;
        long kv = (long)c.NumKeyValueHeads * c.HeadDim;
        ulong seed = options.Seed;

        yield return Normal(seed, JasperTensorNames.EmbedTokens, [c.VocabSize, c.HiddenSize], 1.0);
        foreach (var t in SwiGlu(seed, JasperTensorNames.JasperMlp, c))
        {
            yield return t;
        }

        for (int i = 0; i < c.NumHiddenLayers; i++)
        {
            var layer = JasperTensorNames.Layer(i);
            yield return Norm(seed, layer.InputNorm, c.HiddenSize);
            yield return Projection(seed, layer.QProj, q, c.HiddenSize);
            yield return Projection(seed, layer.KProj, kv, c.HiddenSize);
            yield return Projection(seed, layer.VProj, kv, c.HiddenSize);
            if (c.AttentionBias)
            {
                yield return Normal(seed, JasperTensorNames.LayerNames.Bias(layer.QProj), [q], 0.02);
                yield return Normal(seed, JasperTensorNames.LayerNames.Bias(layer.KProj), [kv], 0.02);
                yield return Normal(seed, JasperTensorNames.LayerNames.Bias(layer.VProj), [kv], 0.02);
            }

            yield return Projection(seed, layer.OProj, c.HiddenSize, q);
            yield return Norm(seed, layer.QNorm, c.HeadDim);
            yield return Norm(seed, layer.KNorm, c.HeadDim);
            yield return Norm(seed, layer.PostAttentionNorm, c.HiddenSize);
            foreach (var t in SwiGlu(seed, layer.Mlp, c))
            {
                yield return t;
            }
        }

        yield return Norm(seed, JasperTensorNames.FinalNorm, c.HiddenSize);
        yield return Projection(seed, JasperTensorNames.Linear1Weight, options.OutputDimensions, c.HiddenSize);
        yield return Normal(seed, JasperTensorNames.Linear1Bias, [options.OutputDimensions], 0.01);
    }

    private static IEnumerable<SafeTensorsWriter.TensorSource> SwiGlu(ulong seed, JasperTensorNames.SwiGluNames names, ModelConfig c)
    {
        yield return Projection(seed, names.Gate, c.IntermediateSize, c.HiddenSize);
        yield return Projection(seed, names.Up, c.IntermediateSize, c.HiddenSize);
        yield return Projection(seed, names.Down, c.HiddenSize, c.IntermediateSize);
    }

    private static SafeTensorsWriter.TensorSource Projection(ulong seed, string name, long outFeatures, long inFeatures) =>
        Normal(seed, name, [outFeatures, inFeatures], 1.0 / Math.Sqrt(inFeatures));

    private static SafeTensorsWriter.TensorSource Norm(ulong seed, string name, long size) =>
        Normal(seed, name, [size], 0.1, mean: 1.0);

    private static SafeTensorsWriter.TensorSource Normal(ulong seed, string name, long[] shape, double std, double mean = 0.0) =>
        new(name, shape, (start, destination) => GaussianStream.Fill(seed, name, start, destination, mean, std));
}

using Jasper.Embeddings.Checkpoints;
using Jasper.Embeddings.Conversion;

namespace Jasper.TestSupport;

/// <summary>
/// The tiny random checkpoint of the committed goldens (preset tiny, default seed, BF16), generated once per test
/// run, and its conversions at every precision.
/// </summary>
public static class TinyModels
{
    private static readonly Lazy<string> Root = new(() =>
    {
        string root = Path.Combine(Path.GetTempPath(), "jasper-tests", "tiny-" + Environment.ProcessId);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteQuietly(root);
        RandomCheckpoint.Write(RandomCheckpointOptions.ForPreset("tiny", RepoPaths.QwenTokenizer), Path.Combine(root, "checkpoint"));
        foreach (var precision in ModelPrecisions.All)
        {
            ModelConverter.Convert(new ConvertOptions
            {
                SourceDirectory = Path.Combine(root, "checkpoint"),
                OutputDirectory = Path.Combine(root, precision.ToName()),
                Precision = precision,
                Name = "jasper-tiny-random",
            });
        }

        return root;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    private static void DeleteQuietly(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // Still in use at exit: the system's temp cleaning will remove it.
        }
    }

    /// <summary>The checkpoint directory in the published layout.</summary>
    public static string Checkpoint => Path.Combine(Root.Value, "checkpoint");

    /// <summary>The fp32 model directory.</summary>
    public static string Fp32 => Path.Combine(Root.Value, "fp32");

    /// <summary>The fp16 model directory.</summary>
    public static string Fp16 => Path.Combine(Root.Value, "fp16");

    /// <summary>The int8 model directory.</summary>
    public static string Int8 => Path.Combine(Root.Value, "int8");

    /// <summary>The int4 model directory.</summary>
    public static string Int4 => Path.Combine(Root.Value, "int4");
}

using Jasper.Embeddings.Checkpoints;
using Jasper.Embeddings.Conversion;

namespace Jasper.TestSupport;

/// <summary>
/// The tiny random checkpoint of the committed goldens (preset tiny, default seed, BF16) and its conversions at every
/// precision. Generation is deterministic, so the test assemblies of one build share one copy: it is keyed by the
/// module version id of the code that writes it (Jasper.Embeddings; it changes with the code, and with every commit,
/// whose id the build writes into the assembly), built by whichever test process comes first under a file lock (about
/// 8 seconds), and moved into place only when complete. Copies no test process uses are removed
/// (<see cref="TinyModelBuilds"/>).
/// The tests only read it.
/// </summary>
public static class TinyModels
{
    private static readonly Lazy<string> Root = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    // Held open for the life of the process: the copy this process reads is in use (TinyModelBuilds).
    private static FileStream? _inUse;

    private static string Build()
    {
        string parent = Path.Combine(Path.GetTempPath(), "jasper-tests");
        string key = typeof(RandomCheckpoint).Assembly.ManifestModule.ModuleVersionId.ToString("N")[..16];
        string root = Path.Combine(parent, "tiny-" + key);
        Directory.CreateDirectory(parent);
        _inUse ??= TinyModelBuilds.Hold(root); // before looking, so that no other build's clean-up removes it from under us
        if (Directory.Exists(root))
        {
            return root;
        }

        using var gate = Lock(Path.Combine(parent, "tiny.lock"));
        if (Directory.Exists(root))
        {
            return root; // another test process built it while this one waited
        }

        TinyModelBuilds.RemoveUnused(parent, root);
        string building = $"{root}.building-{Environment.ProcessId}";
        RandomCheckpoint.Write(RandomCheckpointOptions.ForPreset("tiny", RepoPaths.QwenTokenizer), Path.Combine(building, "checkpoint"));
        foreach (var precision in ModelPrecisions.All)
        {
            ModelConverter.Convert(new ConvertOptions
            {
                SourceDirectory = Path.Combine(building, "checkpoint"),
                OutputDirectory = Path.Combine(building, precision.ToName()),
                Precision = precision,
                Name = "jasper-tiny-random",
            });
        }

        // The other attention of the two float precisions: the fused graph in float32 checks the GPU layout against the
        // reference at full precision, and the explicit fp16 graph is what the fused one is measured against.
        foreach (var (precision, attention) in new[] { (ModelPrecision.Fp32, GraphAttention.Fused), (ModelPrecision.Fp16, GraphAttention.Explicit) })
        {
            ModelConverter.Convert(new ConvertOptions
            {
                SourceDirectory = Path.Combine(building, "checkpoint"),
                OutputDirectory = Path.Combine(building, $"{precision.ToName()}-{attention.ToName()}"),
                Precision = precision,
                Attention = attention,
                Name = "jasper-tiny-random",
            });
        }

        Directory.Move(building, root);
        return root;
    }

    // Test processes of one run wait for each other here; the lock goes with the process if it dies.
    private static FileStream Lock(string path)
    {
        for (var deadline = DateTime.UtcNow.AddMinutes(5); ;)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100); // another process is building: poll the lock
            }
        }
    }

    /// <summary>A converted model by its directory name (<c>fp32</c>, <c>fp16</c>, <c>fp32-fused</c>, <c>fp16-explicit</c>, ...).</summary>
    public static string Model(string name) =>
        Directory.Exists(Path.Combine(Root.Value, name)) ? Path.Combine(Root.Value, name) : throw new ArgumentException($"No tiny model '{name}'.", nameof(name));

    /// <summary>The checkpoint directory in the published layout.</summary>
    public static string Checkpoint => Path.Combine(Root.Value, "checkpoint");

    /// <summary>The fp32 model directory.</summary>
    public static string Fp32 => Path.Combine(Root.Value, "fp32");

    /// <summary>The fp32 model directory with fused attention (GroupQueryAttention, one text per row).</summary>
    public static string Fp32Fused => Path.Combine(Root.Value, "fp32-fused");

    /// <summary>The fp16 model directory (fused attention, its default).</summary>
    public static string Fp16 => Path.Combine(Root.Value, "fp16");

    /// <summary>The fp16 model directory with explicit attention (packed rows).</summary>
    public static string Fp16Explicit => Path.Combine(Root.Value, "fp16-explicit");

    /// <summary>The int8 model directory.</summary>
    public static string Int8 => Path.Combine(Root.Value, "int8");

    /// <summary>The int4 model directory.</summary>
    public static string Int4 => Path.Combine(Root.Value, "int4");
}

namespace Jasper.Embeddings.Models;

/// <summary>A converted model on disk: a directory holding a manifest and the files it names.</summary>
public sealed class ModelDirectory
{
    private ModelDirectory(string path, ModelManifest manifest)
    {
        Path = path;
        Manifest = manifest;
    }

    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>Its manifest.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>Full path of the ONNX graph.</summary>
    public string GraphPath => System.IO.Path.Combine(Path, Manifest.Graph.File);

    /// <summary>Opens a model directory, checking that every file the manifest names exists.</summary>
    public static ModelDirectory Open(string path)
    {
        string manifestPath = System.IO.Path.Combine(path, ModelManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            throw new FileNotFoundException(
                $"'{path}' is not a Jasper model directory (no {ModelManifest.FileName}); create one with `jasper model convert` or `jasper model pull`.",
                manifestPath);
        }

        var manifest = ModelManifest.Load(manifestPath);
        var directory = new ModelDirectory(System.IO.Path.GetFullPath(path), manifest);
        foreach (string file in new[] { manifest.Graph.File, manifest.Graph.DataFile, manifest.Tokenizer.File })
        {
            if (!File.Exists(System.IO.Path.Combine(path, file)))
            {
                throw new FileNotFoundException($"Model directory '{path}' is incomplete: {file} is missing.", file);
            }
        }

        return directory;
    }
}

using Jasper.Embeddings.Models;
using Jasper.TestSupport;

namespace Jasper.Embeddings.Tests.Models;

public sealed class ModelManifestTests
{
    private static ModelManifest Fp32 => ModelDirectory.Open(TinyModels.Fp32).Manifest;

    [Fact]
    public void The_identity_is_stable_and_changes_with_every_file_and_every_setting_that_shapes_a_vector()
    {
        var manifest = Fp32;
        var files = manifest.Files!;
        string Changed(string file) => (manifest with { Files = files.ToDictionary(f => f.Key, f => f.Key == file ? new string('0', 64) : f.Value) }).Identity;

        var identities = new List<string>
        {
            Fp32.Identity,
            Changed("tokenizer.json"),
            Changed("tokenizer_config.json"),
            Changed("model.onnx"),
            Changed("model.onnx.data"),
            (manifest with { Prompts = new Dictionary<string, string>(manifest.Prompts) { ["document"] = "Passage: " } }).Identity,
            (manifest with { Normalize = false }).Identity,
            (manifest with { Compression = manifest.Compression with { Threshold = 64 } }).Identity,
            ModelDirectory.Open(TinyModels.Model("fp32-fused")).Manifest.Identity,
        };

        Assert.Equal(manifest.Identity, identities[0]);
        Assert.Matches("^[0-9a-f]{64}$", manifest.Identity);
        Assert.Equal(identities.Count, identities.Distinct().Count());
    }
}

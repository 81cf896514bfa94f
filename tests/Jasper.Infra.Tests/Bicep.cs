using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Jasper.TestSupport;

namespace Jasper.Infra.Tests;

/// <summary>The Bicep CLI restored from NuGet, and the compiled templates of infra/.</summary>
internal static partial class Bicep
{
    private static readonly Lazy<(int ExitCode, string Output, string Diagnostics)> MainBuildResult = new(() => Build(Path.Combine(Infra, "main.bicep")));
    private static readonly Lazy<JsonObject> MainTemplate = new(() => JsonNode.Parse(MainBuild.Output)!.AsObject());

    public static string Infra => Path.Combine(RepoPaths.Root, "infra");

    public static string Executable => typeof(Bicep).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value!;

    /// <summary>The one <c>bicep build</c> of main.bicep (its modules included) the tests share.</summary>
    public static (int ExitCode, string Output, string Diagnostics) MainBuild => MainBuildResult.Value;

    /// <summary>main.bicep compiled to ARM JSON.</summary>
    public static JsonObject Main => MainTemplate.Value;

    /// <summary>main.bicep and every file it reaches through <c>module</c> references, relative to infra/, sorted.</summary>
    public static string[] ModulesOfMain()
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.Combine(Infra, "main.bicep")]);
        while (pending.TryPop(out string? file))
        {
            if (seen.Add(Path.GetRelativePath(Infra, file)))
            {
                foreach (Match module in ModuleReference().Matches(File.ReadAllText(file)))
                {
                    pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, module.Groups[1].Value)));
                }
            }
        }

        return [.. seen];
    }

    public static (int ExitCode, string Output, string Diagnostics) Build(string file) => Run("build", file, "--stdout");

    public static (int ExitCode, string Output, string Diagnostics) Lint(string file) => Run("lint", file);

    private static (int ExitCode, string Output, string Diagnostics) Run(params string[] args)
    {
        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        string diagnostics = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, diagnostics);
    }

    [GeneratedRegex(@"^\s*module\s+\w+\s+'([^']+\.bicep)'", RegexOptions.Multiline)]
    private static partial Regex ModuleReference();
}

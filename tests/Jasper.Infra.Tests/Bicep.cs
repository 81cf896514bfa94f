using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using Jasper.TestSupport;

namespace Jasper.Infra.Tests;

/// <summary>The Bicep CLI restored from NuGet, and the compiled templates of infra/.</summary>
internal static class Bicep
{
    private static readonly Lazy<JsonObject> MainTemplate = new(() => JsonNode.Parse(Build(Path.Combine(Infra, "main.bicep")).Output)!.AsObject());

    public static string Infra => Path.Combine(RepoPaths.Root, "infra");

    public static string Executable => typeof(Bicep).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value!;

    /// <summary>main.bicep compiled to ARM JSON.</summary>
    public static JsonObject Main => MainTemplate.Value;

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
}

using System.Text.Json;
using System.Text.RegularExpressions;
using Jasper.TestSupport;

namespace Jasper.Infra.Tests;

/// <summary>
/// The CPU image of `jasper serve` (core/Jasper.Cli/Dockerfile). No Docker daemon or base-image registry is
/// reachable here, so the image is not built: these tests read the Dockerfile and run its entry point's command line
/// against the CLI that this build made.
/// </summary>
public sealed partial class ServeImageTests
{
    private static string Dockerfile => File.ReadAllText(Path.Combine(RepoPaths.Root, "core", "Jasper.Cli", "Dockerfile"));

    [Fact]
    public void The_image_runs_as_a_non_root_user_with_a_health_check_on_the_health_route_of_the_exposed_port()
    {
        var user = Assert.Single(Instruction("USER"));
        Assert.NotEqual("root", user);
        Assert.NotEqual("0", user);
        Assert.Equal("$APP_UID", user); // the .NET images' own unprivileged user
        Assert.Equal("8080", Assert.Single(Instruction("EXPOSE")));
        Assert.EndsWith("curl -fsS http://127.0.0.1:8080/api/health || exit 1", Assert.Single(Instruction("HEALTHCHECK")), StringComparison.Ordinal);
        Assert.Contains(Entrypoint(), arg => arg == "http://0.0.0.0:8080");
        Assert.Equal("/data", Assert.Single(Instruction("VOLUME")));
        Assert.Contains("JASPER_HOME=/data", Assert.Single(Instruction("ENV")), StringComparison.Ordinal);
        Assert.Contains("chown \"$APP_UID\" /data", Dockerfile, StringComparison.Ordinal); // the model cache is writable by that user
        Assert.Contains("dotnet publish core/Jasper.Cli ", Dockerfile, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, "core", "Jasper.Cli", "Jasper.Cli.csproj")));
    }

    [Fact]
    public async Task The_entry_point_is_a_command_line_jasper_accepts_with_the_documented_model_argument()
    {
        // dotnet /app/jasper.dll serve --urls ... becomes dotnet <this build's jasper.dll> serve --urls ... --model DIR --help:
        // the parser refuses unknown commands and options, and --help stops before anything is served.
        var args = Entrypoint();
        Assert.Equal(["dotnet", "/app/jasper.dll", "serve"], args[..3]);
        string jasper = Path.Combine(RepoPaths.Root, "core", "Jasper.Cli", "bin", RepoPaths.BuildConfiguration, "net10.0", "jasper.dll");
        var help = await ProgramRun.RunAsync("dotnet", [jasper, .. args[2..], "--model", "/model", "--help"]);
        Assert.True(help.ExitCode == 0, help.Output);
        Assert.Contains("--urls", help.Output, StringComparison.Ordinal);
    }

    private static string[] Entrypoint() => JsonSerializer.Deserialize<string[]>(Assert.Single(Instruction("ENTRYPOINT")))!;

    // The arguments of every instruction of the final stage with this name, continuation lines joined.
    private static List<string> Instruction(string name)
    {
        string text = Dockerfile.Replace("\\\n", " ", StringComparison.Ordinal);
        string final = text[text.LastIndexOf("\nFROM ", StringComparison.Ordinal)..];
        return [.. final.Split('\n').Where(l => l.StartsWith(name + " ", StringComparison.Ordinal)).Select(l => MultipleSpaces().Replace(l[(name.Length + 1)..].Trim(), " "))];
    }

    [GeneratedRegex(" {2,}")]
    private static partial Regex MultipleSpaces();
}

using System.Diagnostics;
using System.Text.Json;
using Jasper.TestSupport;

namespace Jasper.Cli.Tests;

/// <summary>The CLI as a .NET tool: packed, installed from the package alone, and run.</summary>
public sealed class ToolPackageTests
{
    [Fact]
    public async Task Dotnet_pack_and_tool_install_give_a_working_jasper()
    {
        using var dir = new TempDirectory();
        // The test runs from tests/Jasper.Cli.Tests/bin/{Configuration}/net10.0/: pack the CLI that build made.
        string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var pack = await RunAsync("dotnet", ["pack", Path.Combine(RepoPaths.Root, "core", "Jasper.Cli"), "--no-build", "-c", configuration, "-o", dir.Combine("feed")], dir.Path);
        Assert.True(pack.ExitCode == 0, pack.Output);

        // A fresh package cache, so nothing from this machine's earlier installs can stand in for the package.
        var install = await RunAsync("dotnet", ["tool", "install", "Jasper.Cli", "--tool-path", dir.Combine("tools"), "--add-source", dir.Combine("feed")], dir.Path,
            ("NUGET_PACKAGES", dir.Combine("packages")));
        Assert.True(install.ExitCode == 0, install.Output);

        string input = dir.Combine("in.jsonl");
        await File.WriteAllTextAsync(input, "{\"id\": 1, \"text\": \"token compression\"}\n");
        var embed = await RunAsync(Path.Combine(dir.Combine("tools"), "jasper"), ["embed", "--model", TinyModels.Fp32, "--input", input, "--output", "-"], dir.Path);
        Assert.True(embed.ExitCode == 0, embed.Output);
        using var line = JsonDocument.Parse(embed.Output.Split('\n')[0]);
        Assert.Equal(128, line.RootElement.GetProperty("embedding").GetArrayLength());
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] args, string directory, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}

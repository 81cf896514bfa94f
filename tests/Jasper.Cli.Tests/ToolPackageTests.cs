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
        // Pack the CLI this test run's build made. A tool package is made from a publish of it (400 MB: the natives of
        // every platform), which goes here rather than into the project's bin, so the test takes its disk back.
        string configuration = RepoPaths.BuildConfiguration;
        string publish = dir.Combine("publish") + Path.DirectorySeparatorChar;
        var pack = await ProgramRun.RunAsync("dotnet", ["pack", Path.Combine(RepoPaths.Root, "core", "Jasper.Cli"), "--no-build", "-c", configuration, "-o", dir.Combine("feed"), $"-p:PublishDir={publish}"], dir.Path);
        Assert.True(pack.ExitCode == 0, pack.Output);
        Assert.True(File.Exists(Path.Combine(publish, "jasper.dll")), "the publish the package is made from went to " + publish);
        Directory.Delete(publish, recursive: true); // the install below unpacks the package twice (900 MB): make room

        // A fresh package cache, so nothing from this machine's earlier installs can stand in for the package.
        var install = await ProgramRun.RunAsync("dotnet", ["tool", "install", "Jasper.Cli", "--tool-path", dir.Combine("tools"), "--add-source", dir.Combine("feed")], dir.Path,
            ("NUGET_PACKAGES", dir.Combine("packages")));
        Assert.True(install.ExitCode == 0, install.Output);

        string input = dir.Combine("in.jsonl");
        await File.WriteAllTextAsync(input, "{\"id\": 1, \"text\": \"token compression\"}\n");
        var embed = await ProgramRun.RunAsync(Path.Combine(dir.Combine("tools"), "jasper"), ["embed", "--model", TinyModels.Fp32, "--input", input, "--output", "-"], dir.Path);
        Assert.True(embed.ExitCode == 0, embed.Output);
        using var line = JsonDocument.Parse(embed.Output.Split('\n')[0]);
        Assert.Equal(128, line.RootElement.GetProperty("embedding").GetArrayLength());
    }
}

using System.IO.Compression;
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
        // Pack the CLI this test run's build made. A tool package is made from a publish of it (220 MB), which goes here
        // rather than into the project's bin, so the test takes its disk back.
        string configuration = RepoPaths.BuildConfiguration;
        string publish = dir.Combine("publish") + Path.DirectorySeparatorChar;
        var pack = await ProgramRun.RunAsync("dotnet", ["pack", Path.Combine(RepoPaths.Root, "core", "Jasper.Cli"), "--no-build", "-c", configuration, "-o", dir.Combine("feed"), $"-p:PublishDir={publish}"], dir.Path);
        Assert.True(pack.ExitCode == 0, pack.Output);
        Assert.True(File.Exists(Path.Combine(publish, "jasper.dll")), "the publish the package is made from went to " + publish);
        Directory.Delete(publish, recursive: true); // the install below unpacks the package twice: make room

        // Native libraries for exactly the platforms ONNX Runtime ships its own for, where the tool can run: none for
        // Android or iOS (once 110 MB of a 248 MB package) or for the other platforms SkiaSharp has a build for.
        using (var package = ZipFile.OpenRead(Directory.GetFiles(dir.Combine("feed"), "Jasper.Cli.*.nupkg").Single()))
        {
            var natives = package.Entries.Select(e => e.FullName.Split('/')).Where(p => p.Length == 7 && p[3] == "runtimes" && p[5] == "native").ToList();
            Assert.Equal(["linux-arm64", "linux-x64", "osx", "osx-arm64", "win-arm64", "win-x64"], natives.Select(p => p[4]).Distinct().Order(StringComparer.Ordinal));
            Assert.Equal(["linux-arm64", "linux-x64", "osx-arm64", "win-arm64", "win-x64"], natives.Where(p => p[6].Contains("onnxruntime", StringComparison.Ordinal)).Select(p => p[4]).Distinct().Order(StringComparer.Ordinal));
        }

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

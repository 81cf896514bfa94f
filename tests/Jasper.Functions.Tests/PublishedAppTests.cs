using Jasper.TestSupport;

namespace Jasper.Functions.Tests;

/// <summary>
/// What `dotnet publish` (which azd runs to deploy) makes of the app: the package Flex Consumption runs every instance
/// from, and what the GPU image copies.
/// </summary>
public sealed class PublishedAppTests
{
    [Fact]
    public async Task The_published_app_carries_native_libraries_for_linux_x64_only()
    {
        // Both targets run linux-x64. The package once carried ONNX Runtime for Android, iOS, macOS, Windows and
        // linux-arm64 too: 212 MB of its 275 MB (a 174 MB zip to upload, and to start each instance from).
        using var dir = new TempDirectory();
        var publish = await ProgramRun.RunAsync("dotnet", ["publish", Path.Combine(RepoPaths.Root, "functions", "Jasper.Functions"), "--no-build", "-c", RepoPaths.BuildConfiguration, "-o", dir.Path]);
        Assert.True(publish.ExitCode == 0, publish.Output);

        var natives = Directory.GetDirectories(Path.Combine(dir.Path, "runtimes"))
            .Where(rid => Directory.Exists(Path.Combine(rid, "native")))
            .Select(Path.GetFileName)
            .ToList();
        Assert.Equal(["linux-x64"], natives);
        Assert.True(File.Exists(Path.Combine(dir.Path, "runtimes", "linux-x64", "native", "libonnxruntime.so")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "Jasper.Functions.dll")));
    }
}

using System.Runtime.InteropServices;
using Jasper.TestSupport;

namespace Jasper.Infra.Tests;

/// <summary>
/// What a test build leaves on disk. CI once ran out of space building the tests: each test project copied ONNX
/// Runtime's native libraries for every platform (Android, iOS, macOS, Windows: about 190 MB of its 260 MB) next to
/// itself, though tests only ever run where they were built.
/// </summary>
public sealed class TestBuildFootprintTests
{
    [Fact]
    public void Test_builds_carry_native_libraries_for_this_operating_system_only()
    {
        string family = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        string configuration = RepoPaths.BuildConfiguration;
        var outputs = Directory.GetDirectories(Path.Combine(RepoPaths.Root, "tests"))
            .Select(project => Path.Combine(project, "bin", configuration, "net10.0"))
            .Where(Directory.Exists)
            .ToList();
        Assert.Contains(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory), outputs);

        foreach (string output in outputs)
        {
            string runtimes = Path.Combine(output, "runtimes");
            var natives = Directory.Exists(runtimes)
                ? Directory.GetDirectories(runtimes).Where(rid => Directory.Exists(Path.Combine(rid, "native")) && Directory.EnumerateFiles(Path.Combine(rid, "native"), "*", SearchOption.AllDirectories).Any()).Select(Path.GetFileName).ToList()
                : [];
            Assert.All(natives, rid => Assert.True(rid!.StartsWith(family, StringComparison.Ordinal) || rid.StartsWith("unix", StringComparison.Ordinal), $"{output} carries natives for {rid}"));
        }

        // What the tests run on is still there: ONNX Runtime's library for this machine (this project embeds, through Jasper.Azure).
        string host = $"{family}-{RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}";
        string library = OperatingSystem.IsWindows() ? "onnxruntime.dll" : OperatingSystem.IsMacOS() ? "libonnxruntime.dylib" : "libonnxruntime.so";
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "runtimes", host, "native", library)), $"this test project lacks {host}/native/{library}");
    }
}

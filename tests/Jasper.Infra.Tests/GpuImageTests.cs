using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using Jasper.TestSupport;

namespace Jasper.Infra.Tests;

/// <summary>
/// The GPU image against the CUDA version ONNX Runtime's CUDA provider links (OnnxRuntimeCudaMajor in
/// Directory.Packages.props), and its build-time check of the provider's libraries, run with a recording stand-in
/// for <c>ldd</c> (no CUDA provider or Docker here).
/// </summary>
public sealed partial class GpuImageTests
{
    private static string Dockerfile => File.ReadAllText(Path.Combine(RepoPaths.Root, "functions", "Dockerfile"));

    private static string CheckScript => Path.Combine(RepoPaths.Root, "functions", "check-cuda-provider.sh");

    [Fact]
    public void The_cuda_major_version_is_the_one_the_onnx_runtime_cuda_provider_links()
    {
        // The provider's dynamic section names the libraries the loader must find: read them from the package itself.
        string provider = typeof(GpuImageTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CudaProviderPath").Value!;
        var needed = ElfLibraries.Needed(provider);
        string major = RepoPaths.OnnxRuntimeCudaMajor.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (string library in new[] { "libcudart", "libcublasLt", "libcublas" })
        {
            Assert.Equal([$"{library}.so.{major}"], needed.Where(n => n.StartsWith(library + ".so.", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public void The_image_ships_the_cuda_major_version_the_provider_links()
    {
        var bases = CudaBaseImage().Matches(Dockerfile);
        Assert.Single(bases);
        Assert.Equal(RepoPaths.OnnxRuntimeCudaMajor.ToString(System.Globalization.CultureInfo.InvariantCulture), bases[0].Groups["major"].Value);
        Assert.Contains("cudnn", bases[0].Value, StringComparison.Ordinal);
        Assert.Contains("RUN sh /usr/local/bin/check-cuda-provider.sh /home/site/wwwroot", Dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void The_readme_names_the_cuda_version_the_image_ships()
    {
        string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        Assert.Contains($"CUDA {RepoPaths.OnnxRuntimeCudaMajor}", readme, StringComparison.Ordinal);
        Assert.DoesNotMatch(OtherCuda(RepoPaths.OnnxRuntimeCudaMajor), readme);
    }

    [Fact]
    public void The_build_check_fails_when_the_provider_misses_a_cuda_library()
    {
        var (exitCode, output) = RunCheck("""
            libcudart.so.13 => /usr/local/cuda/lib64/libcudart.so.13 (0x1)
            libcublasLt.so.13 => not found
            libcuda.so.1 => not found
            """);
        Assert.Equal(1, exitCode);
        Assert.Contains("libcublasLt.so.13 => not found", output, StringComparison.Ordinal);
        Assert.DoesNotContain("libcuda.so.1", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_build_check_passes_when_only_the_driver_library_is_missing()
    {
        var (exitCode, output) = RunCheck("""
            libcudart.so.13 => /usr/local/cuda/lib64/libcudart.so.13 (0x1)
            libcuda.so.1 => not found
            """);
        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public void The_build_check_fails_when_the_app_has_no_cuda_provider()
    {
        using var app = new TempDirectory();
        var (exitCode, output) = Run(app.Path, app.Path);
        Assert.Equal(1, exitCode);
        Assert.Contains("OnnxRuntimeFlavour=cuda", output, StringComparison.Ordinal);
    }

    // The check with an `ldd` on PATH that prints what the real one would for a provider with these libraries.
    private static (int ExitCode, string Output) RunCheck(string lddOutput)
    {
        using var app = new TempDirectory();
        string native = Directory.CreateDirectory(Path.Combine(app.Path, "runtimes", "linux-x64", "native")).FullName;
        File.WriteAllBytes(Path.Combine(native, "libonnxruntime_providers_cuda.so"), [0x7F, (byte)'E', (byte)'L', (byte)'F']);
        string bin = Directory.CreateDirectory(Path.Combine(app.Path, "bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "lddoutput"), lddOutput + "\n");
        string ldd = Path.Combine(bin, "ldd");
        File.WriteAllText(ldd, $"#!/bin/sh\ncat '{Path.Combine(bin, "lddoutput")}'\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(ldd, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return Run(app.Path, bin);
    }

    private static (int ExitCode, string Output) Run(string app, string binDirectory)
    {
        var start = new ProcessStartInfo("sh", [CheckScript, app]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PATH"] = $"{binDirectory}:{Environment.GetEnvironmentVariable("PATH")}";
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    [GeneratedRegex(@"FROM nvidia/cuda:(?<major>\d+)\.\S+")]
    private static partial Regex CudaBaseImage();

    private static Regex OtherCuda(int major) => new($@"CUDA (?!{major}\b)\d+\b");
}

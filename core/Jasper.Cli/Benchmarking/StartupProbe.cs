using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Jasper.Embeddings.Inference;

namespace Jasper.Cli.Benchmarking;

/// <summary>
/// Start-up time: a fresh <c>jasper bench startup</c> process loads a model and embeds one query; the parent times
/// it from process start to the answer, and the child reports its session time and peak memory.
/// </summary>
internal static class StartupProbe
{
    /// <summary>Runs the child for <paramref name="model"/> and times it.</summary>
    public static async Task<StartupResult> MeasureAsync(string model, CancellationToken cancellationToken)
    {
        var start = SelfCommand("bench", "startup", "--model", model);
        start.RedirectStandardOutput = true;
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the start-up probe.");
        string? line = await process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        double seconds = watch.Elapsed.TotalSeconds;
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"The start-up probe for {model} failed (exit code {process.ExitCode}).");
        }

        var answer = JsonNode.Parse(line)!.AsObject();
        return new StartupResult(seconds, (double)answer["session_seconds"]!, (long)answer["peak_bytes"]!);
    }

    /// <summary>The child's side: load, embed one query, print one JSON line.</summary>
    public static async Task<int> RunChildAsync(CliConsole console, string model, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var encoder = JasperEncoder.Load(model);
        double session = watch.Elapsed.TotalSeconds;
        var embedding = await encoder.EmbedAsync([new EmbeddingInput("how fast does the model start", null, null)], cancellationToken).ConfigureAwait(false);
        var answer = new JsonObject
        {
            ["session_seconds"] = session,
            ["peak_bytes"] = ProcessMemory.PeakBytes,
            ["dimensions"] = embedding[0].Vector.Length,
        };
        await console.Out.WriteLineAsync(answer.ToJsonString()).ConfigureAwait(false);
        return 0;
    }

    // This CLI again: its native launcher when there is one (what users run), else `dotnet jasper.dll`.
    private static ProcessStartInfo SelfCommand(params string[] args)
    {
        string assembly = typeof(StartupProbe).Assembly.Location;
        string launcher = Path.Combine(Path.GetDirectoryName(assembly)!, OperatingSystem.IsWindows() ? "jasper.exe" : "jasper");
        if (File.Exists(launcher))
        {
            return new ProcessStartInfo(launcher, args);
        }

        string dotnet = Environment.ProcessPath is string host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
        return new ProcessStartInfo(dotnet, [assembly, .. args]);
    }

    /// <summary>Formats seconds for the report.</summary>
    public static string Format(double seconds) => seconds.ToString("0.00", CultureInfo.InvariantCulture);
}

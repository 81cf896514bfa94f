using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jasper.Cli.Benchmarking;

/// <summary>
/// The PyTorch peer (<c>reference/jasper_peer.py</c>, shipped beside the CLI) as a child process answering one JSON
/// request per line, so that its measurements interleave with ONNX Runtime's cell by cell.
/// </summary>
internal sealed class PythonPeer : IAsyncDisposable
{
    private readonly Process _process;

    private PythonPeer(Process process, PeerInfo info)
    {
        _process = process;
        Info = info;
    }

    /// <summary>Interpreter, torch version, threads and the BLAS torch loaded.</summary>
    public PeerInfo Info { get; }

    /// <summary>Where the peer script lies: beside the CLI (copied at build) or in the source tree.</summary>
    public static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "reference", "jasper_peer.py");

    /// <summary>
    /// The first interpreter (of <paramref name="python"/>, else python3 and /usr/bin/python3) that imports torch,
    /// or null with the reason.
    /// </summary>
    public static (string? Python, string? Reason) FindPython(string? python)
    {
        string[] candidates = python is not null ? [python] : ["python3", "/usr/bin/python3"];
        foreach (string candidate in candidates)
        {
            try
            {
                using var probe = Process.Start(new ProcessStartInfo(candidate, ["-c", "import torch"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
                probe.StandardError.ReadToEnd();
                probe.WaitForExit();
                if (probe.ExitCode == 0)
                {
                    return (candidate, null);
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // not installed under that name; try the next
            }
        }

        return (null, $"no Python with torch among {string.Join(", ", candidates)} (apt install python3-torch libopenblas0-pthread)");
    }

    /// <summary>Starts the peer on a checkpoint directory with <paramref name="threads"/> threads, on <paramref name="device"/> (cpu or cuda).</summary>
    public static async Task<PythonPeer> StartAsync(string python, string checkpoint, int threads, string device, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(python, [ScriptPath, "--checkpoint", checkpoint, "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture), "--device", device])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
        };
        start.Environment["OMP_NUM_THREADS"] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {python}.");
        try
        {
            await ReadAsync(process, cancellationToken).ConfigureAwait(false); // {"ready": true} once the weights are loaded
            var info = await AskAsync(process, new JsonObject { ["op"] = "info" }, cancellationToken).ConfigureAwait(false);
            return new PythonPeer(process, new PeerInfo(python, (string)info["torch"]!, (int)info["threads"]!, (string)info["blas"]!, device));
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>F.linear GFLOP/s at <c>[m, k] × [k, n]</c> in <paramref name="dtype"/> (fp32, bf16, fp16).</summary>
    public async Task<double> MatMulAsync(int m, int k, int n, string dtype, TimeSpan duration, CancellationToken cancellationToken)
    {
        var answer = await AskAsync(_process, new JsonObject { ["op"] = "matmul", ["m"] = m, ["k"] = k, ["n"] = n, ["dtype"] = dtype, ["seconds"] = duration.TotalSeconds }, cancellationToken).ConfigureAwait(false);
        return (double)answer["gflops"]!;
    }

    /// <summary>
    /// Embeds the texts in <paramref name="dtype"/> in passes for at least <paramref name="duration"/>; returns seconds
    /// per pass and the vectors.
    /// </summary>
    public async Task<(double SecondsPerPass, float[][] Embeddings)> EmbedAsync(IReadOnlyList<int[]> ids, double ratio, string dtype, int batchSize, TimeSpan duration, int warmup, CancellationToken cancellationToken)
    {
        var request = new JsonObject
        {
            ["op"] = "embed",
            ["dtype"] = dtype,
            ["ids"] = new JsonArray([.. ids.Select(row => (JsonNode)new JsonArray([.. row.Select(id => (JsonNode)id)]))]),
            ["ratio"] = ratio,
            ["batch_size"] = batchSize,
            ["seconds"] = duration.TotalSeconds,
            ["warmup"] = warmup,
        };
        var answer = await AskAsync(_process, request, cancellationToken).ConfigureAwait(false);
        double perPass = (double)answer["seconds"]! / (int)answer["passes"]!;
        var vectors = answer["embeddings"]!.AsArray().Select(v => v!.AsArray().Select(x => (float)x!).ToArray()).ToArray();
        return (perPass, vectors);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static async Task<JsonObject> AskAsync(Process process, JsonObject request, CancellationToken cancellationToken)
    {
        await process.StandardInput.WriteLineAsync(request.ToJsonString().AsMemory(), cancellationToken).ConfigureAwait(false);
        await process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
        var answer = await ReadAsync(process, cancellationToken).ConfigureAwait(false);
        return answer["error"] is JsonNode error ? throw new InvalidOperationException($"PyTorch peer: {error}") : answer;
    }

    private static async Task<JsonObject> ReadAsync(Process process, CancellationToken cancellationToken)
    {
        string line = await process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The PyTorch peer exited (code {(process.HasExited ? process.ExitCode : -1)}); its errors are above.");
        return JsonNode.Parse(line)?.AsObject() ?? throw new JsonException("The PyTorch peer sent an empty answer.");
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Jasper.Ingestion.Extraction.Isolation;

/// <summary>
/// One running worker: its standard input and output, the start of what it wrote to standard error during the current
/// document (kept to say why it died), and its end. Disposing stops it if it is still running.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    // Enough of standard error to find the runtime's last words; the rest (a stack overflow's trace) is read and
    // dropped.
    private const int KeptErrorChars = 16_384;

    // How long a worker that closed its output may take to exit before it is stopped.
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly StringBuilder _error = new();
    private readonly long _memoryLimitBytes;

    private WorkerProcess(Process process, long memoryLimitBytes)
    {
        _process = process;
        _memoryLimitBytes = memoryLimitBytes;
    }

    /// <summary>The worker's standard input.</summary>
    public Stream Input => _process.StandardInput.BaseStream;

    /// <summary>The worker's standard output.</summary>
    public Stream Output => _process.StandardOutput.BaseStream;

    /// <summary>The documents it has been given.</summary>
    public int Documents { get; private set; }

    /// <summary>Whether it has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>When it finished its last document (null while it has one).</summary>
    public DateTime? IdleSince { get; private set; }

    /// <summary>Marks the end of a document.</summary>
    public void EndDocument() => IdleSince = DateTime.UtcNow;

    /// <summary>Starts a document: what the worker says from here on is what may explain its end.</summary>
    public void BeginDocument()
    {
        lock (_error)
        {
            _error.Clear();
        }

        IdleSince = null;
        Documents++;
    }

    /// <summary>Starts the worker <paramref name="isolation"/> names, under its memory limit.</summary>
    public static WorkerProcess Start(ExtractionIsolation isolation)
    {
        var start = new ProcessStartInfo(isolation.WorkerPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in isolation.WorkerArguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The runtime reads its GC settings from the environment, in hexadecimal; a hard limit makes an allocation past
        // it throw OutOfMemoryException, which the worker reports, before the machine runs short. Workstation GC: one
        // heap, as the worker parses on one thread.
        start.Environment["DOTNET_GCHeapHardLimit"] = isolation.MemoryLimitBytes.ToString("X", CultureInfo.InvariantCulture);
        start.Environment.Remove("DOTNET_GCHeapHardLimitPercent");
        start.Environment["DOTNET_gcServer"] = "0";

        var process = new Process { StartInfo = start };
        var worker = new WorkerProcess(process, isolation.MemoryLimitBytes);
        process.ErrorDataReceived += (_, line) => worker.KeepError(line.Data);
        try
        {
            process.Start();
            process.BeginErrorReadLine();
            return worker;
        }
        catch
        {
            worker.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Why the worker ended before it finished: waits for it to exit (stopping it after a grace period) and reads its
    /// exit code and last words. A stack overflow and running out of memory are the document's doing; anything else is
    /// named by its exit code.
    /// </summary>
    public async Task<DocumentException> DiedAsync(CancellationToken cancellationToken)
    {
        using (var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            grace.CancelAfter(ExitGrace);
            try
            {
                await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Stop();
                await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        string error;
        lock (_error)
        {
            error = _error.ToString();
        }

        if (error.Contains("Stack overflow", StringComparison.Ordinal))
        {
            return new DocumentException(DocumentErrorKind.TooDeep, "parsing it overflowed the extraction worker's stack (nesting or references deeper than the parser can follow)");
        }

        if (error.Contains("OutOfMemoryException", StringComparison.Ordinal) || error.Contains("Out of memory", StringComparison.OrdinalIgnoreCase))
        {
            return new DocumentException(DocumentErrorKind.TooLarge, ExtractionWorker.OutOfMemory(_memoryLimitBytes));
        }

        string said = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "nothing on standard error";
        return new DocumentException(DocumentErrorKind.Failed, $"the extraction worker ended with exit code {_process.ExitCode} before it finished ({said})");
    }

    /// <summary>Stops the worker and whatever it started, if it is still running.</summary>
    public void Stop()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has exited already, or never started.
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Stop();
        _process.Dispose();
    }

    private void KeepError(string? line)
    {
        lock (_error)
        {
            if (line is not null && _error.Length < KeptErrorChars)
            {
                _error.AppendLine(line);
            }
        }
    }
}

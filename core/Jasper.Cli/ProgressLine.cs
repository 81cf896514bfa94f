using System.Diagnostics;

namespace Jasper.Cli;

/// <summary>
/// A progress line on standard error: redrawn in place on a terminal, a few lines in all when redirected, so
/// that logs stay readable. Reports are written on the caller's thread (never posted to the thread pool as
/// <see cref="Progress{T}"/> does), so none arrives after the command has finished.
/// </summary>
internal sealed class ProgressLine
{
    private readonly Lock _lock = new();
    private static readonly TimeSpan TerminalInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan RedirectedInterval = TimeSpan.FromSeconds(10);

    private readonly CliConsole _console;
    private readonly Stopwatch _sinceLast = Stopwatch.StartNew();
    private bool _drawn;

    public ProgressLine(CliConsole console) => _console = console;

    /// <summary>Shows <paramref name="text"/> unless the last update was too recent (<paramref name="force"/> overrides).</summary>
    public void Update(string text, bool force = false)
    {
        lock (_lock)
        {
            Draw(text, force);
        }
    }

    /// <summary>An <see cref="IProgress{T}"/> that formats each report onto this line synchronously.</summary>
    public IProgress<T> For<T>(Func<T, string> format, Func<T, bool>? force = null) =>
        new SynchronousProgress<T>(value => Update(format(value), force?.Invoke(value) ?? false));

    private void Draw(string text, bool force)
    {
        var interval = _console.ErrorIsTerminal ? TerminalInterval : RedirectedInterval;
        if (!force && _drawn && _sinceLast.Elapsed < interval)
        {
            return;
        }

        _sinceLast.Restart();
        _drawn = true;
        if (_console.ErrorIsTerminal)
        {
            _console.Error.Write($"\r{text,-79}");
        }
        else
        {
            _console.Error.WriteLine(text);
        }
    }

    /// <summary>Ends the line with a final state.</summary>
    public void Complete(string text)
    {
        Update(text, force: true);
        if (_console.ErrorIsTerminal)
        {
            _console.Error.WriteLine();
        }
    }

    /// <summary>Bytes in binary units for progress text.</summary>
    public static string FormatBytes(double bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (1L << 30):0.00} GiB",
        >= 1L << 20 => $"{bytes / (1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / (1L << 10):0.0} KiB",
        _ => $"{bytes:0} B",
    };
}

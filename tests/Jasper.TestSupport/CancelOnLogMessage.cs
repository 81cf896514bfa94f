using Microsoft.Extensions.Logging;

namespace Jasper.TestSupport;

/// <summary>
/// A logger factory that cancels a token when a message starting with a prefix is logged: a deterministic way to cancel
/// at a point inside a call (the encoder logs "Inference:" just before it enters ONNX Runtime), with no timing.
/// </summary>
public sealed class CancelOnLogMessage(CancellationTokenSource cancel, string prefix) : ILoggerFactory, ILogger
{
    /// <summary>How many times the prefix was logged.</summary>
    public int Seen { get; private set; }

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (formatter(state, exception).StartsWith(prefix, StringComparison.Ordinal))
        {
            Seen++;
            cancel.Cancel();
        }
    }
}

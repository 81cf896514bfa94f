using Microsoft.Extensions.Logging;

namespace Jasper.TestSupport;

/// <summary>Keeps every formatted log message, whatever its category or level, for tests that read what was logged.</summary>
public sealed class ListLoggerProvider : ILoggerProvider, ILogger
{
    private readonly List<string> _messages = [];

    /// <summary>The messages so far, in order.</summary>
    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => this;

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => true;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_messages)
        {
            _messages.Add(formatter(state, exception));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}

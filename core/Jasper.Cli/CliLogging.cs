using Microsoft.Extensions.Logging;

namespace Jasper.Cli;

/// <summary>Logging for commands: one line per message, all on standard error so results on standard output stay clean.</summary>
internal static class CliLogging
{
    public static ILoggerFactory CreateFactory(LogLevel minimum = LogLevel.Information) => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(minimum)
        .AddSimpleConsole(o => o.SingleLine = true)
        .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
}

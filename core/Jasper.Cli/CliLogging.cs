using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Jasper.Cli;

/// <summary>
/// Logging for commands: one line per message, all on standard error so results on standard output stay clean, at the
/// level <c>--log-level</c> gives (every command takes it) or the command's own default.
/// </summary>
internal static class CliLogging
{
    private const string OptionName = "--log-level";

    /// <summary>The <c>--log-level</c> option, for the root command (it applies to every subcommand).</summary>
    public static Option<LogLevel?> CreateOption() => new(OptionName)
    {
        Description = "How much to log on standard error: trace, debug, information, warning, error, critical or none (default: the command's own).",
        Recursive = true,
    };

    /// <summary>The level asked for, else <paramref name="commandDefault"/>.</summary>
    public static LogLevel Level(ParseResult parse, LogLevel commandDefault) => parse.GetValue<LogLevel?>(OptionName) ?? commandDefault;

    /// <summary>A logger factory at the level asked for, else at <paramref name="commandDefault"/>.</summary>
    public static ILoggerFactory CreateFactory(ParseResult parse, LogLevel commandDefault) => CreateFactory(Level(parse, commandDefault));

    public static ILoggerFactory CreateFactory(LogLevel minimum) => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(minimum)
        .AddSimpleConsole(o => o.SingleLine = true)
        .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
}

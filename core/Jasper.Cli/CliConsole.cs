namespace Jasper.Cli;

/// <summary>The streams a command reads and writes; the process's own, or in-memory ones in tests.</summary>
/// <param name="In">Standard input.</param>
/// <param name="Out">Results (JSON Lines, manifests, summaries).</param>
/// <param name="Error">Progress, logs and error messages.</param>
/// <param name="ErrorIsTerminal">Whether progress may redraw one line with carriage returns.</param>
internal sealed record CliConsole(TextReader In, TextWriter Out, TextWriter Error, bool ErrorIsTerminal)
{
    /// <summary>The process's standard streams.</summary>
    public static CliConsole System => new(Console.In, Console.Out, Console.Error, !Console.IsErrorRedirected);

    /// <summary>Opens standard output as a stream (for <c>--output -</c>).</summary>
    public Func<Stream> OpenStandardOutput { get; init; } = Console.OpenStandardOutput;
}

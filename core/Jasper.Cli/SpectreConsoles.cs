using Spectre.Console;

namespace Jasper.Cli;

/// <summary>Spectre.Console consoles over the command's own streams (plain text when they are not terminals).</summary>
internal static class SpectreConsoles
{
    // Redirected output has no width to detect; wide enough that source paths and reasons are not wrapped.
    private const int RedirectedWidth = 200;

    public static IAnsiConsole Create(TextWriter writer, bool terminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            // Only what is drawn matters here, not what is read: Detect also asks whether standard input is a terminal,
            // and with it not one (`docker run -t` without -i) the progress bar drew its first frame only.
            Interactive = terminal ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!terminal)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}

using System.Diagnostics;

namespace Jasper.Cli.Tests;

/// <summary>Runs the CLI in-process with captured streams, or the built <c>jasper</c> executable as a process.</summary>
internal static class CliRunner
{
    public static Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] args) => RunAsync(CancellationToken.None, args);

    /// <summary>As above, cancelled (as Ctrl+C would) when <paramref name="cancellationToken"/> fires: for commands that may not end.</summary>
    public static async Task<(int ExitCode, string Out, string Error)> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = new CliConsole(TextReader.Null, output, error, ErrorIsTerminal: false);
        int code = await JasperCommandLine.InvokeAsync(args, console, cancellationToken);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Runs <c>dotnet jasper.dll ARGS</c> with <paramref name="stdin"/> piped in.</summary>
    public static Task<(int ExitCode, string Out, string Error)> RunProcessAsync(string stdin, params string[] args) =>
        RunProcessAsync(stdin, new Dictionary<string, string>(), args);

    /// <summary>As above, with extra environment variables for the child process only.</summary>
    public static async Task<(int ExitCode, string Out, string Error)> RunProcessAsync(string stdin, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "jasper.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}

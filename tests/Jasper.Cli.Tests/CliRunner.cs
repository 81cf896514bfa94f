using System.Diagnostics;
using System.Globalization;
using System.Text;

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

    /// <summary>
    /// Runs `jasper serve` as a process, sends one embedding request once it is ready, stops it as a service manager would
    /// (SIGTERM, so the logs are flushed) and returns everything it printed.
    /// </summary>
    public static async Task<string> ServeOnceAsync(string model, params string[] extra)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { Path.Combine(AppContext.BaseDirectory, "jasper.dll"), "serve", "--model", model, "--urls", "http://127.0.0.1:0" }.Concat(extra))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var serving = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Read(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            if (line.StartsWith("Serving on ", StringComparison.Ordinal))
            {
                serving.TrySetResult(new Uri(line.Split(' ')[2]));
            }
        }

        process.OutputDataReceived += (_, e) => Read(e.Data);
        process.ErrorDataReceived += (_, e) => Read(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var address = await serving.Task.WaitAsync(TimeSpan.FromMinutes(2));
            using var http = new HttpClient { BaseAddress = address };
            for (int attempt = 0; attempt < 600; attempt++)
            {
                using var health = await http.GetAsync("api/health");
                if (health.IsSuccessStatusCode)
                {
                    break;
                }

                await Task.Delay(100); // polling readiness, not timing anything
            }

            using var response = await http.PostAsync("v1/embeddings", new StringContent("""{"input": "log me"}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            using var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        }

        lock (output)
        {
            return output.ToString();
        }
    }
}

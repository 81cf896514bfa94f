using System.CommandLine;
using Jasper.Cli.Benchmarking;
using Jasper.Cli.Commands;
using Jasper.Embeddings.Checkpoints;
using Jasper.Embeddings.Hub;
using Jasper.Embeddings.Inference;
using Jasper.Embeddings.Tokenization;

namespace Jasper.Cli;

/// <summary>The <c>jasper</c> command tree and how its failures are reported.</summary>
internal static class JasperCommandLine
{
    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code.</summary>
    public static Task<int> InvokeAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("jasper: Jasper-Token-Compression-600M embeddings with run-time token compression, on ONNX Runtime.")
        {
            ModelCommands.Create(console),
            EmbedCommand.Create(console),
            IngestCommand.Create(console),
            SearchCommand.Create(console),
            ServeCommand.Create(console),
            LoadTestCommand.Create(console),
            BenchCommand.Create(console),
            CliLogging.CreateOption(),
        };
        var configuration = new InvocationConfiguration { Output = console.Out, Error = console.Error };
        return root.Parse(args).InvokeAsync(configuration, cancellationToken);
    }

    /// <summary>Runs a command body, turning failures the user can act on into one line on standard error.</summary>
    public static async Task<int> RunAsync(CliConsole console, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await console.Error.WriteLineAsync("error: cancelled").ConfigureAwait(false);
            return 130;
        }
        catch (Exception ex) when (IsUserFacing(ex))
        {
            await console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static bool IsUserFacing(Exception ex) => ex is CheckpointFormatException or TokenizerFormatException
        or HubException or ExecutionProviderUnavailableException or InputFormatException or TokenLimitExceededException
        or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or ArgumentException
        or NotSupportedException or UnauthorizedAccessException or IOException;
}

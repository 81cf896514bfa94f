using System.Globalization;

namespace Jasper.Ingestion.Extraction.Isolation;

/// <summary>
/// The child side of <see cref="ExtractionIsolation"/>: reads one request and document from standard input, parses
/// it in this process and writes its text blocks, or why it failed, to standard output. A host program that isolates
/// extraction hands over to it at the top of its entry point:
/// <code>
/// if (ExtractionWorker.IsRequested(args)) return await ExtractionWorker.RunAsync();
/// </code>
/// </summary>
public static class ExtractionWorker
{
    /// <summary>The first argument that starts a program as a worker.</summary>
    public const string Argument = "--jasper-extraction-worker";

    /// <summary>Whether <paramref name="args"/> start this program as a worker.</summary>
    public static bool IsRequested(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Count > 0 && args[0] == Argument;
    }

    /// <summary>Serves one document over standard input and output; returns the exit code (0 once the reply is written).</summary>
    public static async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        // Standard output carries the replies and nothing else: whatever a parser prints goes to standard error.
        await using var output = Console.OpenStandardOutput();
        Console.SetOut(Console.Error);
        await using var input = Console.OpenStandardInput();
        await ServeAsync(input, output, cancellationToken).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Reads a request and its document from <paramref name="input"/>, writes the replies to <paramref name="output"/>.</summary>
    internal static async Task ServeAsync(Stream input, Stream output, CancellationToken cancellationToken)
    {
        var request = WorkerRequest.ReadFrom(input);
        var extractor = new DocumentExtractor(request.Options).InProcess(request.Format);
        WorkerReply end;
        try
        {
            await foreach (var block in extractor.ExtractAsync(input, cancellationToken).ConfigureAwait(false))
            {
                await new WorkerReply.Block(block).WriteToAsync(output, cancellationToken).ConfigureAwait(false);
            }

            end = new WorkerReply.End();
        }
        catch (DocumentException ex)
        {
            end = new WorkerReply.Refusal(ex.Kind, ex.Message);
        }
        catch (OutOfMemoryException)
        {
            end = new WorkerReply.Refusal(DocumentErrorKind.TooLarge, OutOfMemory(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            end = new WorkerReply.Failure($"{ex.GetType().Name}: {ex.Message}");
        }

        await end.WriteToAsync(output, cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Why a document that ran its worker out of memory failed (said the same whether the worker could say it or died of it).</summary>
    internal static string OutOfMemory(long limitBytes) =>
        string.Create(CultureInfo.InvariantCulture, $"parsing it needs more than the {limitBytes >> 20} MB of memory an extraction worker may use");
}

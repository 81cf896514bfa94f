using System.Globalization;
using System.Runtime;

namespace Jasper.Ingestion.Extraction.Isolation;

/// <summary>
/// The child side of <see cref="ExtractionIsolation"/>: reads requests and documents from standard input, one at a
/// time, parses each in this process and writes its text blocks, or why it failed, to standard output. A host program
/// that isolates extraction hands over to it at the top of its entry point:
/// <code>
/// if (ExtractionWorker.IsRequested(args)) return await ExtractionWorker.RunAsync();
/// </code>
/// </summary>
public static class ExtractionWorker
{
    /// <summary>The first argument that starts a program as a worker.</summary>
    public const string Argument = "--jasper-extraction-worker";

    /// <summary>
    /// How long a worker waits for its next document before it exits: a parent keeps workers for the documents that
    /// follow (<see cref="WorkerPool"/>), and none is left behind once they stop coming.
    /// </summary>
    internal static readonly TimeSpan IdleExit = TimeSpan.FromSeconds(60);

    // The heap past which a worker collects everything between documents.
    private const long LargeHeapBytes = 64L << 20;

    /// <summary>Whether <paramref name="args"/> start this program as a worker.</summary>
    public static bool IsRequested(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Count > 0 && args[0] == Argument;
    }

    /// <summary>
    /// Serves documents over standard input and output until standard input ends (the parent has no more, or has
    /// exited); returns the exit code.
    /// </summary>
    public static async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        // Standard output carries the replies and nothing else: whatever a parser prints goes to standard error.
        await using var output = Console.OpenStandardOutput();
        Console.SetOut(Console.Error);
        await using var input = Console.OpenStandardInput();
        while (true)
        {
            // Reading standard input cannot be cancelled, so the wait runs beside the idle timer; the process's exit
            // ends it.
            var next = Task.Run(() => WorkerRequest.TryReadFrom(input), cancellationToken);
            if (await Task.WhenAny(next, Task.Delay(IdleExit, cancellationToken)).ConfigureAwait(false) != next || await next.ConfigureAwait(false) is not { } request)
            {
                return 0;
            }

            await ServeAsync(request, input, output, cancellationToken).ConfigureAwait(false);

            // A large document's leftovers are collected and handed back, so that a worker waiting for its next
            // document holds little; after a small one (most) a full collection would cost more than it frees.
            if (GC.GetTotalMemory(forceFullCollection: false) > LargeHeapBytes)
            {
                GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            }
        }
    }

    /// <summary>Reads the document of <paramref name="request"/> from <paramref name="input"/> and writes the replies to <paramref name="output"/>.</summary>
    internal static async Task ServeAsync(WorkerRequest request, Stream input, Stream output, CancellationToken cancellationToken)
    {
        await using var document = new ChunkedDocument(input);
        var extractor = new DocumentExtractor(request.Options).InProcess(request.Format);
        WorkerReply end;
        try
        {
            await foreach (var block in extractor.ExtractAsync(document, cancellationToken).ConfigureAwait(false))
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
            end = new WorkerReply.Failure(ex.Message);
        }

        await document.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false); // what the parser left unread, up to the next request
        await end.WriteToAsync(output, cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Why a document that ran its worker out of memory failed (said the same whether the worker could say it or died of it).</summary>
    internal static string OutOfMemory(long limitBytes) =>
        string.Create(CultureInfo.InvariantCulture, $"parsing it needs more than the {limitBytes >> 20} MB of memory an extraction worker may use");
}

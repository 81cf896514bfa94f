using System.Collections.Concurrent;

namespace Jasper.Ingestion.Extraction.Isolation;

/// <summary>
/// Workers waiting for their next document. Starting one costs a process and the JIT compilation of a parser, about a
/// third of a second, more than parsing a typical document takes; so a worker that finished a document cleanly serves
/// the next one, and only one that failed, overran or was abandoned is stopped. A worker retires after
/// <see cref="DocumentsPerWorker"/> documents, so that nothing one parser leaves behind grows without end.
/// </summary>
internal sealed class WorkerPool(ExtractionIsolation isolation)
{
    /// <summary>The most documents one worker parses.</summary>
    public const int DocumentsPerWorker = 1_000;

    // Enough for every document planned ahead at once (IngestionOptions.MostDocumentsAhead), one per core.
    private static readonly int MostIdle = Environment.ProcessorCount;

    // A worker idle this long is not given another document: it exits at ExtractionWorker.IdleExit, and must not do
    // so while a document is on its way to it.
    private static readonly TimeSpan MostIdleTime = ExtractionWorker.IdleExit / 2;

    private readonly ConcurrentQueue<WorkerProcess> _idle = new();

    /// <summary>An idle worker, or a new one.</summary>
    public WorkerProcess Rent()
    {
        while (_idle.TryDequeue(out var worker))
        {
            if (!worker.HasExited && DateTime.UtcNow - worker.IdleSince < MostIdleTime)
            {
                return worker;
            }

            worker.Dispose();
        }

        return WorkerProcess.Start(isolation);
    }

    /// <summary>Keeps a worker that finished a document cleanly for the next, or stops it.</summary>
    public void Return(WorkerProcess worker)
    {
        if (worker.Documents < DocumentsPerWorker && !worker.HasExited && _idle.Count < MostIdle)
        {
            worker.EndDocument();
            _idle.Enqueue(worker);
        }
        else
        {
            worker.Dispose();
        }
    }
}

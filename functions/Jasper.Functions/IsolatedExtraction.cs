using System.Reflection;
using Jasper.Azure.Hosting;
using Jasper.Ingestion.Extraction.Isolation;

namespace Jasper.Functions;

/// <summary>
/// Uploads are parsed in worker processes of this app (<see cref="ExtractionIsolation"/>): a document that would
/// overflow a parser's stack or exhaust memory past what the inspectors catch ends its worker, and fails with the
/// reason, instead of ending the instance with every function running on it. <c>Program</c> hands a worker's start
/// over to <see cref="ExtractionWorker"/>. The memory limit and timeout are
/// <c>Jasper__Ingestion__Extraction__Isolation__MemoryLimitBytes</c> and <c>__Timeout</c>.
/// </summary>
public static class IsolatedExtraction
{
    /// <summary>
    /// Names this app as the worker, unless configuration named another, or named none with an empty
    /// <c>Jasper__Ingestion__Extraction__Isolation__WorkerPath</c> (parse in the app's own process: for a host that may
    /// not start processes).
    /// </summary>
    public static void Configure(JasperOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var isolation = options.Ingestion.Extraction.Isolation;
        if (isolation.WorkerPath is null)
        {
            isolation.RunIn(Assembly.GetExecutingAssembly());
        }
    }
}

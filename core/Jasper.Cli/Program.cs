using Jasper.Cli;
using Jasper.Ingestion.Extraction.Isolation;

// Started by `jasper ingest` to parse one document in a process of its own.
if (ExtractionWorker.IsRequested(args))
{
    return await ExtractionWorker.RunAsync().ConfigureAwait(false);
}

return await JasperCommandLine.InvokeAsync(args, CliConsole.System).ConfigureAwait(false);

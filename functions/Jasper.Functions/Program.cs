using Jasper.Azure.Hosting;
using Jasper.Functions;
using Jasper.Ingestion.Extraction.Isolation;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// Started by this app to parse one document (IsolatedExtraction), not by the Functions host.
if (ExtractionWorker.IsRequested(args))
{
    return await ExtractionWorker.RunAsync();
}

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddApplicationInsightsTelemetryWorkerService().ConfigureFunctionsApplicationInsights();
builder.Services.AddJasper(builder.Configuration, IsolatedExtraction.Configure);
builder.Services.AddJasperTelemetry(builder.Configuration);
await builder.Build().RunAsync();
return 0;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.IO.Compression;
using Azure.Identity;
using Jasper.Azure.Hosting;
using Jasper.Ingestion.Extraction;
using Jasper.Ingestion.Pipeline;
using Jasper.Ingestion.Telemetry;
using Jasper.Serving.Telemetry;
using Jasper.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Jasper.Azure.Tests.Hosting;

/// <summary>
/// The Functions app's telemetry: Application Insights cannot run here, so the real Azure Monitor exporter sends to a
/// local recording stand-in of its ingestion endpoint (<c>POST /v2.1/track</c>, gzip JSON lines, answered with the
/// documented <c>itemsReceived</c>/<c>itemsAccepted</c> shape).
/// </summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task The_azure_monitor_exporter_sends_jasper_metrics_and_spans_to_a_recording_ingestion_stand_in()
    {
        var received = new ConcurrentQueue<(string Path, string Body)>();
        await using var ingestion = await LocalHttpServer.StartAsync(app => app.Run(async context =>
        {
            await using var body = context.Request.Headers.ContentEncoding.ToString() == "gzip"
                ? new GZipStream(context.Request.Body, CompressionMode.Decompress)
                : context.Request.Body;
            using var reader = new StreamReader(body);
            string text = await reader.ReadToEndAsync();
            received.Enqueue((context.Request.Path.Value!, text));
            int items = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$"""{"itemsReceived": {{items}}, "itemsAccepted": {{items}}, "appId": null, "errors": []}""");
        }));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = $"InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint={ingestion.BaseAddress}",
        }).Build();
        var services = new ServiceCollection().AddMetrics().AddJasperTelemetry(configuration, configure: options =>
        {
            // The exporter's default rate-limited sampler may drop the one span of this test (its budget starts
            // empty); live metrics would call the service on the internet; offline storage would share a folder.
            options.TracesPerSecond = null;
            options.SamplingRatio = 1;
            options.EnableLiveMetrics = false;
            options.DisableOfflineStorage = true;
        });
        await using var provider = services.BuildServiceProvider();
        var meters = provider.GetRequiredService<MeterProvider>();
        var tracer = provider.GetRequiredService<TracerProvider>();

        using var metrics = new IngestionMetrics(provider.GetRequiredService<IMeterFactory>());
        metrics.DocumentEnded(DocumentStatus.Failed, DocumentErrorKind.TooLarge);
        using (var source = new ActivitySource(ServingTelemetry.ActivitySourceName))
        using (source.StartActivity("embed batch"))
        {
        }

        Assert.True(meters.ForceFlush(30_000));
        Assert.True(tracer.ForceFlush(30_000));

        Assert.All(received, r => Assert.Equal("/v2.1/track", r.Path));
        string all = string.Concat(received.Select(r => r.Body));
        Assert.Contains("\"jasper.ingestion.documents\"", all, StringComparison.Ordinal);
        Assert.Contains("\"too-large\"", all, StringComparison.Ordinal);
        Assert.Contains("\"embed batch\"", all, StringComparison.Ordinal);
        Assert.Contains("00000000-0000-0000-0000-000000000001", all, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_connection_string_nothing_is_exported()
    {
        var services = new ServiceCollection().AddMetrics().AddJasperTelemetry(new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();
        Assert.Null(provider.GetService<MeterProvider>());
    }

    [Theory]
    [InlineData("Authorization=AAD;ClientId=11111111-2222-3333-4444-555555555555", true)]
    [InlineData("ClientId=11111111-2222-3333-4444-555555555555;Authorization=AAD", true)]
    [InlineData("Authorization=AAD", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void The_authentication_string_the_infrastructure_sets_means_a_managed_identity(string? authentication, bool managedIdentity)
    {
        var credential = JasperTelemetryExtensions.AuthenticationCredential(authentication);
        Assert.Equal(managedIdentity, credential is ManagedIdentityCredential);
    }
}

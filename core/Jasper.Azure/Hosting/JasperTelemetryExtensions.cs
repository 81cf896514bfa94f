using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Jasper.Ingestion.Telemetry;
using Jasper.Serving.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Resources;

namespace Jasper.Azure.Hosting;

/// <summary>Sends Jasper's metrics and traces to Application Insights.</summary>
public static class JasperTelemetryExtensions
{
    /// <summary>
    /// Exports the serving and ingestion meters and activity sources (<see cref="ServingTelemetry"/>,
    /// <see cref="IngestionMetrics"/>) with the Azure Monitor exporter to the resource that
    /// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> names, authenticating as the managed identity that
    /// <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> names (<c>Authorization=AAD;ClientId=...</c>), as the
    /// infrastructure sets both. Without a connection string nothing is exported. <paramref name="configure"/> adjusts the
    /// exporter after that (its sampling: by default at most 5 traces a second; offline storage; live metrics).
    /// </summary>
    public static IServiceCollection AddJasperTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName = "jasper-functions", Action<AzureMonitorExporterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"] is not { Length: > 0 } connectionString)
        {
            return services;
        }

        var credential = AuthenticationCredential(configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        void Configure(AzureMonitorExporterOptions options)
        {
            options.ConnectionString = connectionString;
            options.Credential = credential;
            configure?.Invoke(options);
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithMetrics(metrics => metrics.AddMeter(ServingTelemetry.MeterName, IngestionMetrics.MeterName).AddAzureMonitorMetricExporter(Configure))
            .WithTracing(tracing => tracing.AddSource(ServingTelemetry.ActivitySourceName, IngestionMetrics.ActivitySourceName).AddAzureMonitorTraceExporter(Configure));
        return services;
    }

    /// <summary>
    /// The credential Application Insights' authentication string asks for: a managed identity (the user-assigned one
    /// its <c>ClientId</c> names, else the system-assigned one) for <c>Authorization=AAD</c>; none otherwise.
    /// </summary>
    internal static TokenCredential? AuthenticationCredential(string? authenticationString)
    {
        var parts = (authenticationString ?? string.Empty)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out string? authorization) || !authorization.Equals("AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return parts.TryGetValue("ClientId", out string? clientId) && clientId.Length > 0
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}

namespace Jasper.Cli.Tests;

/// <summary>
/// Tests that read a server's metrics run alone, with no other server of the test run started or stopped meanwhile.
/// Every server in a process listens to the meters of that name of every other (ASP.NET Core's own among them), and
/// OpenTelemetry .NET stops the shared stream when any one of those meters is disposed
/// (open-telemetry/opentelemetry-dotnet#6412): another test stopping its server made this one's
/// <c>http_server_request_duration_seconds</c> vanish from <c>/metrics</c>. One server per process, as in
/// production, never meets it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ServerMetricsGroup
{
    /// <summary>The collection's name.</summary>
    public const string Name = "server metrics";
}

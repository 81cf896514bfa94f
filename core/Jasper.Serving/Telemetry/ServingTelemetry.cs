namespace Jasper.Serving.Telemetry;

/// <summary>
/// The names a host gives OpenTelemetry (<c>AddMeter</c>, <c>AddSource</c>) to collect what the serving layer
/// measures: requests and their latency by route and status, input and compressed tokens, batch sizes and waits,
/// pending work and the model's load time (docs/telemetry.md lists every instrument).
/// </summary>
public static class ServingTelemetry
{
    /// <summary>The meter of the embedding API, the batcher and the model host.</summary>
    public const string MeterName = "Jasper.Serving";

    /// <summary>The activity source of batch runs.</summary>
    public const string ActivitySourceName = "Jasper.Serving";
}

namespace Jasper.Cli.Serving;

/// <summary>
/// Throughput and latency of one load run. <paramref name="Requests"/> counts every request sent; the rate
/// (<paramref name="RequestsPerSecond"/>), the latencies and <paramref name="TokensPerRequest"/> are of the answered
/// ones only, and <paramref name="ErrorsByStatus"/> counts the failed answers by HTTP status.
/// </summary>
internal sealed record LoadSummary(int Requests, double Seconds, double RequestsPerSecond, double P50Milliseconds, double P99Milliseconds, double TokensPerRequest, IReadOnlyDictionary<int, int> ErrorsByStatus)
{
    /// <summary>Failed answers, whatever their status.</summary>
    public int Errors => ErrorsByStatus.Values.Sum();
}

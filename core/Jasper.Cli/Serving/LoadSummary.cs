namespace Jasper.Cli.Serving;

/// <summary>Throughput and latency of one load run; <paramref name="ErrorsByStatus"/> counts the failed answers by HTTP status.</summary>
internal sealed record LoadSummary(int Requests, double Seconds, double RequestsPerSecond, double P50Milliseconds, double P99Milliseconds, int Errors, double TokensPerRequest, IReadOnlyDictionary<int, int> ErrorsByStatus);

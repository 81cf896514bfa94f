namespace Jasper.Ingestion.Policy;

/// <summary>How much quality a document's embeddings are worth: it picks the compression ratio.</summary>
public enum IngestPriority
{
    /// <summary>Best quality (ratio 0.5 by default).</summary>
    High,

    /// <summary>The default (ratio 0.33).</summary>
    Normal,

    /// <summary>Cheapest (ratio 0.2).</summary>
    Low,
}

/// <summary>Text forms of <see cref="IngestPriority"/>.</summary>
public static class IngestPriorities
{
    /// <summary><c>high</c>, <c>normal</c> or <c>low</c>.</summary>
    public static string ToName(this IngestPriority priority) => priority.ToString().ToLowerInvariant();

    /// <summary>Parses <c>high</c>, <c>normal</c> or <c>low</c> (any case).</summary>
    public static IngestPriority Parse(string name) => TryParse(name, out var priority)
        ? priority
        : throw new ArgumentException($"Unknown priority '{name}'; use high, normal or low.", nameof(name));

    /// <summary>Parses without throwing.</summary>
    public static bool TryParse(string? name, out IngestPriority priority)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "high":
                priority = IngestPriority.High;
                return true;
            case "normal":
                priority = IngestPriority.Normal;
                return true;
            case "low":
                priority = IngestPriority.Low;
                return true;
            default:
                priority = IngestPriority.Normal;
                return false;
        }
    }
}

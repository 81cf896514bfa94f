using Jasper.Ingestion.Policy;

namespace Jasper.Azure.Distribution;

/// <summary>The embed queues, one per priority, and their poison queues.</summary>
public static class WorkQueues
{
    /// <summary><c>embed-high</c>.</summary>
    public const string High = "embed-high";

    /// <summary><c>embed-normal</c>.</summary>
    public const string Normal = "embed-normal";

    /// <summary><c>embed-low</c>.</summary>
    public const string Low = "embed-low";

    /// <summary>Every embed queue, highest priority first.</summary>
    public static IReadOnlyList<string> All { get; } = [High, Normal, Low];

    /// <summary>The queue of a priority.</summary>
    public static string For(IngestPriority priority) => priority switch
    {
        IngestPriority.High => High,
        IngestPriority.Low => Low,
        _ => Normal,
    };

    /// <summary>Where a queue's failed messages go (the Functions runtime's convention).</summary>
    public static string Poison(string queue) => queue + "-poison";
}

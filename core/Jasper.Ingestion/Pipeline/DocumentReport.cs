using Jasper.Ingestion.Extraction;

namespace Jasper.Ingestion.Pipeline;

/// <summary>What ingesting one document did.</summary>
public sealed record DocumentReport
{
    /// <summary>The document id.</summary>
    public required string DocumentId { get; init; }

    /// <summary>Its source.</summary>
    public required string Source { get; init; }

    /// <summary>How it ended.</summary>
    public required DocumentStatus Status { get; init; }

    /// <summary>Its format, once detected.</summary>
    public FileFormat? Format { get; init; }

    /// <summary>Chunks embedded.</summary>
    public int Chunks { get; init; }

    /// <summary>Tokens the model read.</summary>
    public long Tokens { get; init; }

    /// <summary>Positions after compression.</summary>
    public long CompressedTokens { get; init; }

    /// <summary>Mean ratio over the chunks (1 when none).</summary>
    public double MeanRatio { get; init; } = 1.0;

    /// <summary>Wall time spent on it.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Why it failed: the error kind and message (<c>corrupt: ...</c>).</summary>
    public string? Error { get; init; }
}

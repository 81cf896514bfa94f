namespace Jasper.Azure.Distribution;

/// <summary>Where a document is in the distributed ingestion.</summary>
public enum DocumentProgressState
{
    /// <summary>Chunked; work items are on the queue.</summary>
    Queued,

    /// <summary>Every part is embedded and committed.</summary>
    Complete,

    /// <summary>The document (or a part) failed for good; see the error.</summary>
    Failed,

    /// <summary>The sink already held this version.</summary>
    Unchanged,

    /// <summary>
    /// Its blob was deleted from the documents container, and its vectors and work removed (<see cref="DocumentRemoval"/>).
    /// An upload under the same name starts it again.
    /// </summary>
    Removed,
}

/// <summary>The recorded status of one document.</summary>
public sealed record DocumentProgress
{
    /// <summary>The document.</summary>
    public required string DocumentId { get; init; }

    /// <summary>Its source.</summary>
    public required string Source { get; init; }

    /// <summary>The version being (or last) processed.</summary>
    public string? Version { get; init; }

    /// <summary>The state.</summary>
    public required DocumentProgressState State { get; init; }

    /// <summary>Parts of the version.</summary>
    public int Parts { get; init; }

    /// <summary>Chunks of the version.</summary>
    public int Chunks { get; init; }

    /// <summary>Tokens of the version.</summary>
    public long Tokens { get; init; }

    /// <summary>Why it failed.</summary>
    public string? Error { get; init; }

    /// <summary>How many times the sweep queued the missing parts of this version again.</summary>
    public int Requeues { get; init; }
}

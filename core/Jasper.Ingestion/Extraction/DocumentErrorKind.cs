namespace Jasper.Ingestion.Extraction;

/// <summary>Why a document could not be turned into vectors.</summary>
public enum DocumentErrorKind
{
    /// <summary>The document has no text.</summary>
    Empty,

    /// <summary>Unknown or binary content, or a format this system does not read.</summary>
    Unsupported,

    /// <summary>A known format whose content is damaged or truncated.</summary>
    Corrupt,

    /// <summary>Text in an encoding that cannot be decoded without loss.</summary>
    Encoding,

    /// <summary>Larger than the configured limit, as stored or as it unpacks.</summary>
    TooLarge,

    /// <summary>Extraction worked but a later step (encoding, writing) failed.</summary>
    Failed,

    /// <summary>Nested deeper than the configured limit: refused before a parser recurses into it.</summary>
    TooDeep,

    /// <summary>The file could not be opened: gone, not permitted, or a name this platform cannot spell.</summary>
    Unreadable,
}

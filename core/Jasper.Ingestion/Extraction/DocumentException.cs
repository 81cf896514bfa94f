namespace Jasper.Ingestion.Extraction;

/// <summary>A document that cannot be ingested, with a named reason; it never stops the other documents.</summary>
public sealed class DocumentException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DocumentException(DocumentErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException) => Kind = kind;

    /// <summary>The reason, by name.</summary>
    public DocumentErrorKind Kind { get; }

    /// <summary>"unsupported: binary content (PNG image)" and the like.</summary>
    public string Reason => $"{KindName(Kind)}: {Message}";

    /// <summary>The kind as reports spell it: empty, unsupported, corrupt, encoding, too-large, too-deep, unreadable, failed.</summary>
    public static string KindName(DocumentErrorKind kind) => string.Concat(kind.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

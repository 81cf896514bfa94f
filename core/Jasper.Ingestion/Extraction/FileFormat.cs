namespace Jasper.Ingestion.Extraction;

/// <summary>Document formats the extractors read.</summary>
public enum FileFormat
{
    /// <summary>Plain text: UTF-8, or UTF-16/UTF-8 with a byte order mark.</summary>
    PlainText,

    /// <summary>Markdown (CommonMark with the usual extensions).</summary>
    Markdown,

    /// <summary>HTML: visible text only.</summary>
    Html,

    /// <summary>PDF with a text layer.</summary>
    Pdf,

    /// <summary>Word (Office Open XML).</summary>
    Docx,
}

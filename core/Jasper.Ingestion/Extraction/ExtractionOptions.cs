using Jasper.Ingestion.Extraction.Isolation;

namespace Jasper.Ingestion.Extraction;

/// <summary>Limits on what extraction accepts.</summary>
public sealed class ExtractionOptions
{
    /// <summary>Largest plain-text document (streamed, so memory does not grow with it).</summary>
    public long MaxTextBytes { get; set; } = 1L << 30;

    /// <summary>Largest PDF, Word, HTML or Markdown document (these are parsed in memory).</summary>
    public long MaxParsedBytes { get; set; } = 64L << 20;

    /// <summary>
    /// Most bytes a packaged document (Word) may unpack to, all its parts together, and a PDF's compressed streams
    /// (images aside): a few hundred kilobytes of compressed zeros can otherwise unpack to gigabytes.
    /// </summary>
    public long MaxUnpackedBytes { get; set; } = 256L << 20;

    /// <summary>
    /// Deepest nesting a document may have: a packaged document's XML, an HTML page's elements, a PDF's forms. Parsers
    /// recurse once per level (a stack overflow ends the process) or check every open level at each step (work that
    /// grows with the depth squared), so deeper documents are refused by a forward scan before any parser sees them.
    /// </summary>
    public int MaxNestingDepth { get; set; } = 256;

    /// <summary>
    /// Most elements a parsed document may have: HTML tags, the XML elements of a packaged document's parts, Markdown
    /// lines and inline marks, the letters and operators one PDF page draws. Each becomes a node of the parser's tree,
    /// or a glyph or operation of the page, all held at once (hundreds of bytes each), so memory follows the elements,
    /// not the bytes: a 200 KB .docx can unpack to millions, a 3.5 KB PDF page can show 3 million letters, and a 61 KB
    /// one draw 7 million lines. Counted by a forward scan before the parser runs.
    /// </summary>
    public int MaxElements { get; set; } = 500_000;

    /// <summary>Most pages a PDF may have; each page's text is held until the document is chunked.</summary>
    public int MaxPdfPages { get; set; } = 10_000;

    /// <summary>
    /// Whether PDF, Word, HTML and Markdown documents are parsed in a worker process of their own, under a memory
    /// limit and a timeout; off by default (plain text is streamed, never parsed, and stays in this process).
    /// </summary>
    public ExtractionIsolation Isolation { get; set; } = new();
}

namespace Jasper.Ingestion.Extraction;

/// <summary>Kinds of text block, strongest chunk boundary first.</summary>
public enum TextBlockKind
{
    /// <summary>A heading: the preferred place to start a chunk.</summary>
    Heading,

    /// <summary>A paragraph (or list item, table cell, page).</summary>
    Paragraph,
}

/// <summary>
/// A piece of extracted text. The extracted text of a document is the concatenation of its blocks in order, so a
/// block's offset is the sum of the lengths before it; each block carries its own trailing separator.
/// </summary>
/// <param name="Text">The text, separator included.</param>
/// <param name="Kind">What it is.</param>
public sealed record TextBlock(string Text, TextBlockKind Kind);

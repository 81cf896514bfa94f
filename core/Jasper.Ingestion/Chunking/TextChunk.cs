namespace Jasper.Ingestion.Chunking;

/// <summary>A chunk of a document's extracted text.</summary>
/// <param name="Index">Position in the document, from 0.</param>
/// <param name="CharStart">Offset of its first character in the extracted text.</param>
/// <param name="CharEnd">Offset just after its last character; <c>Text == extracted[CharStart..CharEnd]</c>.</param>
/// <param name="Text">The text.</param>
/// <param name="Tokens">Its length in the model's tokens (special tokens included).</param>
public sealed record TextChunk(int Index, long CharStart, long CharEnd, string Text, int Tokens);

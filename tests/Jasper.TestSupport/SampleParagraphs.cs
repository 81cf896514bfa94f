namespace Jasper.TestSupport;

/// <summary>Plain English prose about token compression, in paragraphs of about 30 tokens, for documents of any length.</summary>
public static class SampleParagraphs
{
    /// <summary>
    /// <paramref name="count"/> paragraphs separated by blank lines; with a <paramref name="subject"/>, each names it,
    /// so that documents made with different subjects differ.
    /// </summary>
    public static string Text(int count, string? subject = null) => string.Join("\n\n", Enumerable.Range(0, count).Select(i =>
        (subject is null ? $"Paragraph {i}" : $"{subject}, paragraph {i},") +
        " explains how token compression shortens long inputs before the transformer layers, so that embedding costs less. It keeps most of the quality."));
}

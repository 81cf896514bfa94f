namespace Jasper.Ingestion.Chunking;

/// <summary>
/// Cuts text into sentence-like pieces that concatenate back to it: after terminal punctuation followed by space
/// (Latin), after CJK terminal punctuation, and at line breaks. Trailing white space stays with its sentence.
/// </summary>
internal static class SentenceSplitter
{
    /// <summary>(offset, length) of each piece of <paramref name="text"/>.</summary>
    public static List<(int Offset, int Length)> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var pieces = new List<(int, int)>();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool cjkEnd = c is '。' or '！' or '？' or '；' or '…';
            bool latinEnd = c is '.' or '!' or '?' && i + 1 < text.Length && char.IsWhiteSpace(text[i + 1]);
            if (!cjkEnd && !latinEnd && c != '\n')
            {
                continue;
            }

            int end = i + 1;
            while (end < text.Length && char.IsWhiteSpace(text[end]))
            {
                end++;
            }

            pieces.Add((start, end - start));
            start = end;
            i = end - 1;
        }

        if (start < text.Length)
        {
            pieces.Add((start, text.Length - start));
        }

        return pieces;
    }
}

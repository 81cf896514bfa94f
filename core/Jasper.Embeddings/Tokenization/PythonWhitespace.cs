namespace Jasper.Embeddings.Tokenization;

/// <summary>
/// The whitespace of Python's <c>str.strip()</c>, which sentence-transformers applies to <c>prompt + text</c> before
/// tokenizing: the characters for which <c>str.isspace()</c> holds, Unicode White_Space plus the information
/// separators U+001C..U+001F that .NET's <see cref="string.Trim()"/> keeps. Every one is in the BMP.
/// </summary>
internal static class PythonWhitespace
{
    /// <summary>Whether Python's <c>str.isspace()</c> holds for <paramref name="c"/>.</summary>
    public static bool Is(char c) => char.IsWhiteSpace(c) || c is >= '\u001C' and <= '\u001F';

    /// <summary><paramref name="text"/> as Python's <c>text.strip()</c> returns it.</summary>
    public static string Strip(string text)
    {
        int start = 0;
        int end = text.Length;
        while (start < end && Is(text[start]))
        {
            start++;
        }

        while (end > start && Is(text[end - 1]))
        {
            end--;
        }

        return start == 0 && end == text.Length ? text : text[start..end];
    }
}

namespace Jasper.Embeddings.Tokenization;

/// <summary>
/// Finds added tokens in text, leftmost first and longest at a position, as the Hugging Face tokenizer does
/// before it normalises or pre-tokenises anything.
/// </summary>
internal sealed class AddedTokenMatcher
{
    private readonly Dictionary<char, AddedToken[]> _byFirstChar;
    private readonly char[] _firstChars;

    public AddedTokenMatcher(IEnumerable<AddedToken> tokens)
    {
        _byFirstChar = tokens.Where(t => t.Content.Length > 0)
            .GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
        _firstChars = [.. _byFirstChar.Keys];
    }

    /// <summary>Whether no token can ever match.</summary>
    public bool IsEmpty => _firstChars.Length == 0;

    /// <summary>Splits <paramref name="text"/> into plain segments and added tokens, in order.</summary>
    public List<(int Offset, int Length, AddedToken? Token)> Split(ReadOnlySpan<char> text)
    {
        var parts = new List<(int, int, AddedToken?)>();
        int plainStart = 0;
        int position = 0;
        while (!IsEmpty && position < text.Length)
        {
            int found = text[position..].IndexOfAny(_firstChars);
            if (found < 0)
            {
                break;
            }

            position += found;
            if (MatchAt(text, position) is AddedToken token)
            {
                if (position > plainStart)
                {
                    parts.Add((plainStart, position - plainStart, null));
                }

                parts.Add((position, token.Content.Length, token));
                position += token.Content.Length;
                plainStart = position;
            }
            else
            {
                position++;
            }
        }

        if (plainStart < text.Length)
        {
            parts.Add((plainStart, text.Length - plainStart, null));
        }

        return parts;
    }

    private AddedToken? MatchAt(ReadOnlySpan<char> text, int position)
    {
        foreach (var token in _byFirstChar[text[position]])
        {
            if (text[position..].StartsWith(token.Content, StringComparison.Ordinal))
            {
                return token;
            }
        }

        return null;
    }
}

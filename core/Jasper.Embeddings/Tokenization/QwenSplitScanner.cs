using System.Text;

namespace Jasper.Embeddings.Tokenization;

/// <summary>
/// The Qwen2 pre-tokenisation regex, run by code point:
/// <code>(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+</code>
/// </summary>
/// <remarks>
/// .NET's <see cref="System.Text.RegularExpressions.Regex"/> matches UTF-16 code units, so <c>\p{L}</c> would never
/// match a letter outside the Basic Multilingual Plane (𝐀, 𠀀) and such text would split differently from the
/// Rust and JavaScript tokenizers. This scanner tries the alternatives in the regex's order at each position and
/// reproduces its backtracking by hand. <c>\s</c> is Unicode White_Space (what the Rust tokenizer's regex engine
/// uses); case-insensitive contractions follow Unicode simple case folding, so <c>'ſ</c> counts as <c>'s</c>.
/// </remarks>
internal static class QwenSplitScanner
{
    /// <summary>Appends the pieces of <paramref name="text"/> as (offset, length) pairs shifted by <paramref name="baseOffset"/>.</summary>
    public static void Split(ReadOnlySpan<char> text, int baseOffset, List<(int Offset, int Length)> pieces)
    {
        for (int i = 0; i < text.Length;)
        {
            int end = MatchEnd(text, i);
            pieces.Add((baseOffset + i, end - i));
            i = end;
        }
    }

    /// <summary>End (exclusive) of the match starting at <paramref name="i"/>; every position matches something.</summary>
    internal static int MatchEnd(ReadOnlySpan<char> s, int i)
    {
        if (Contraction(s, i) is int contraction)
        {
            return contraction;
        }

        Rune c0 = RuneAt(s, i, out int n0);

        // [^\r\n\p{L}\p{N}]?\p{L}+
        if (Rune.IsLetter(c0))
        {
            return SkipWhile(s, i, Rune.IsLetter);
        }

        if (!IsLineBreak(c0) && !Rune.IsNumber(c0) && i + n0 < s.Length && Rune.IsLetter(RuneAt(s, i + n0, out _)))
        {
            return SkipWhile(s, i + n0, Rune.IsLetter);
        }

        // \p{N}
        if (Rune.IsNumber(c0))
        {
            return i + n0;
        }

        // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
        int j = c0.Value == ' ' && i + 1 < s.Length && IsOther(RuneAt(s, i + 1, out _)) ? i + 1 : i;
        if (IsOther(RuneAt(s, j, out _)))
        {
            return SkipWhile(s, SkipWhile(s, j, IsOther), IsLineBreak);
        }

        // c0 is white space from here on.
        int runEnd = SkipWhile(s, i, Rune.IsWhiteSpace);

        // \s*[\r\n]+ : backtracks to just after the last line break of the run.
        for (int k = runEnd - 1; k >= i; k--)
        {
            if (s[k] is '\r' or '\n')
            {
                return k + 1;
            }
        }

        // \s+(?!\S) : at the end of text take the run; before a non-space, leave its last character.
        if (runEnd == s.Length || runEnd - 1 == i)
        {
            return runEnd; // the second case is the plain \s+ fallback for a single space before a word
        }

        return runEnd - 1;
    }

    private static int? Contraction(ReadOnlySpan<char> s, int i)
    {
        if (s[i] != '\'' || i + 1 >= s.Length)
        {
            return null;
        }

        char a = Fold(s[i + 1]);
        char b = i + 2 < s.Length ? Fold(s[i + 2]) : '\0';
        return a switch
        {
            's' or 't' or 'm' or 'd' => i + 2,
            'r' or 'v' when b == 'e' => i + 3,
            'l' when b == 'l' => i + 3,
            _ => null,
        };
    }

    private static char Fold(char c) => c switch
    {
        >= 'A' and <= 'Z' => (char)(c + 32),
        '\u017F' => 's', // LATIN SMALL LETTER LONG S folds to 's'
        _ => c,
    };

    private static bool IsOther(Rune r) => !Rune.IsWhiteSpace(r) && !Rune.IsLetter(r) && !Rune.IsNumber(r);

    private static bool IsLineBreak(Rune r) => r.Value is '\r' or '\n';

    private static int SkipWhile(ReadOnlySpan<char> s, int i, Func<Rune, bool> predicate)
    {
        while (i < s.Length)
        {
            Rune r = RuneAt(s, i, out int n);
            if (!predicate(r))
            {
                break;
            }

            i += n;
        }

        return i;
    }

    // A lone surrogate decodes as U+FFFD (a symbol), one code unit long, as in the JavaScript reference.
    private static Rune RuneAt(ReadOnlySpan<char> s, int i, out int length)
    {
        Rune.DecodeFromUtf16(s[i..], out Rune rune, out length);
        return rune;
    }
}

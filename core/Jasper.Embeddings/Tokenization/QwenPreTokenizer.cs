using Microsoft.ML.Tokenizers;

namespace Jasper.Embeddings.Tokenization;

/// <summary>
/// Microsoft.ML.Tokenizers pre-tokenizer for Qwen tokenizer files: added tokens are split out whole (they reach the
/// BPE model as special tokens), and the text between them is cut by <see cref="QwenSplitScanner"/>. A piece longer
/// than <see cref="JasperTokenizer.MaxPieceLength"/> characters is cut into pieces of that length (never inside a
/// surrogate pair): BPE is quadratic in a piece's length, so one long word would otherwise cost minutes.
/// </summary>
internal sealed class QwenPreTokenizer : PreTokenizer
{
    private readonly AddedTokenMatcher _addedTokens;

    public QwenPreTokenizer(AddedTokenMatcher addedTokens) => _addedTokens = addedTokens;

    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) => PreTokenize(text.AsSpan());

    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text)
    {
        var pieces = new List<(int Offset, int Length)>();
        foreach (var (offset, length, token) in _addedTokens.Split(text))
        {
            if (token is null)
            {
                int from = pieces.Count;
                QwenSplitScanner.Split(text.Slice(offset, length), offset, pieces);
                CapLengths(text, pieces, from);
            }
            else
            {
                pieces.Add((offset, length));
            }
        }

        return pieces;
    }

    // Cuts the pieces from index `from` on that are longer than the cap, in order. The pieces are laid out again
    // once (inserting each cut into the list would move the rest of it every time).
    private static void CapLengths(ReadOnlySpan<char> text, List<(int Offset, int Length)> pieces, int from)
    {
        if (!pieces.Skip(from).Any(p => p.Length > JasperTokenizer.MaxPieceLength))
        {
            return;
        }

        var scanned = pieces.GetRange(from, pieces.Count - from);
        pieces.RemoveRange(from, scanned.Count);
        foreach (var (start, length) in scanned)
        {
            int offset = start;
            for (int left = length; left > 0;)
            {
                int cut = Math.Min(left, JasperTokenizer.MaxPieceLength);
                if (cut < left && char.IsLowSurrogate(text[offset + cut]))
                {
                    cut--; // keep the pair together
                }

                pieces.Add((offset, cut));
                offset += cut;
                left -= cut;
            }
        }
    }
}

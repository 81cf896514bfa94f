using Microsoft.ML.Tokenizers;

namespace Jasper.Embeddings.Tokenization;

/// <summary>
/// Microsoft.ML.Tokenizers pre-tokenizer for Qwen tokenizer files: added tokens are split out whole (they reach the
/// BPE model as special tokens), and the text between them is cut by <see cref="QwenSplitScanner"/>.
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
                QwenSplitScanner.Split(text.Slice(offset, length), offset, pieces);
            }
            else
            {
                pieces.Add((offset, length));
            }
        }

        return pieces;
    }
}

using System.Text;
using Microsoft.ML.Tokenizers;

namespace Jasper.Embeddings.Tokenization;

/// <summary>
/// NFC applied to the text between added tokens only. Normalising the whole string first would let a combining
/// mark merge with the end of a special token (<c>&gt;</c> + U+0338 composes to <c>≯</c>) and hide the token; the
/// Hugging Face tokenizer extracts added tokens before normalising, and so does this.
/// </summary>
internal sealed class AddedTokenAwareNfcNormalizer : Normalizer
{
    private readonly AddedTokenMatcher _addedTokens;

    public AddedTokenAwareNfcNormalizer(AddedTokenMatcher addedTokens) => _addedTokens = addedTokens;

    public override string Normalize(string original) =>
        original.IsNormalized(NormalizationForm.FormC) ? original : Normalize(original.AsSpan());

    public override string Normalize(ReadOnlySpan<char> original)
    {
        var builder = new StringBuilder(original.Length);
        foreach (var (offset, length, token) in _addedTokens.Split(original))
        {
            string part = original.Slice(offset, length).ToString();
            builder.Append(token is null ? part.Normalize(NormalizationForm.FormC) : part);
        }

        return builder.ToString();
    }
}

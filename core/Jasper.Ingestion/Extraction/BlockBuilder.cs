using System.Text;

namespace Jasper.Ingestion.Extraction;

/// <summary>
/// Collects the blocks of a parsed document: each non-empty block gets a blank line after it, so the extracted
/// text reads naturally and every offset is stable.
/// </summary>
internal sealed class BlockBuilder
{
    private readonly List<TextBlock> _blocks = [];

    public IReadOnlyList<TextBlock> Blocks => _blocks;

    public void Add(string text, TextBlockKind kind)
    {
        string trimmed = text.Trim();
        if (trimmed.Length > 0)
        {
            _blocks.Add(new TextBlock(trimmed + "\n\n", kind));
        }
    }

    /// <summary>The blocks, or an <see cref="DocumentErrorKind.Empty"/> error when there is no text.</summary>
    public IReadOnlyList<TextBlock> Build(string emptyReason) =>
        _blocks.Count > 0 ? _blocks : throw new DocumentException(DocumentErrorKind.Empty, emptyReason);

    /// <summary>Collapses runs of white space to single spaces (HTML-style).</summary>
    public static string CollapseWhiteSpace(string text)
    {
        var builder = new StringBuilder(text.Length);
        bool space = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space && builder.Length > 0)
            {
                builder.Append(' ');
            }

            space = false;
            builder.Append(c);
        }

        return space && builder.Length > 0 ? builder.Append(' ').ToString() : builder.ToString();
    }
}

using System.Runtime.CompilerServices;
using System.Text;
using Jasper.Embeddings.Tokenization;
using Jasper.Ingestion.Extraction;

namespace Jasper.Ingestion.Chunking;

/// <summary>
/// Cuts a stream of text blocks into chunks measured in the model's own tokens: packed up to the target size,
/// never over the maximum, ending by preference at a heading, then a paragraph, then a sentence, and repeating up
/// to the overlap's worth of whole sentences at the start of the next chunk. Only the chunk being built is held
/// in memory. Offsets map exactly into the extracted text; the same input always gives the same chunks.
/// </summary>
internal sealed class TextChunker
{
    private readonly JasperTokenizer _tokenizer;
    private readonly ChunkingOptions _options;

    /// <summary>Creates a chunker for a model's tokenizer.</summary>
    public TextChunker(JasperTokenizer tokenizer, ChunkingOptions? options = null)
    {
        _tokenizer = tokenizer;
        _options = options ?? new ChunkingOptions();
        _options.Validate();
    }

    private enum Boundary
    {
        Token,
        Sentence,
        Paragraph,
        Heading,
    }

    /// <summary>The chunks of a document's blocks, in order.</summary>
    public async IAsyncEnumerable<TextChunk> ChunkAsync(IAsyncEnumerable<TextBlock> blocks, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        var state = new State();
        long offset = 0;
        await foreach (var block in blocks.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            foreach (var piece in Pieces(block, offset))
            {
                foreach (var chunk in Add(state, piece))
                {
                    yield return chunk;
                }
            }

            offset += block.Text.Length;
        }

        foreach (var chunk in Emit(state, state.Pieces.Count, overlap: false))
        {
            yield return chunk;
        }
    }

    private IEnumerable<Piece> Pieces(TextBlock block, long blockOffset)
    {
        var first = block.Kind == TextBlockKind.Heading ? Boundary.Heading : Boundary.Paragraph;
        foreach (var (offset, length) in SentenceSplitter.Split(block.Text))
        {
            string sentence = block.Text.Substring(offset, length);
            var boundary = offset == 0 ? first : Boundary.Sentence;
            foreach (var piece in SplitLong(sentence, blockOffset + offset, boundary))
            {
                yield return piece;
            }
        }
    }

    // A sentence longer than the target is cut at token boundaries into target-sized pieces.
    private IEnumerable<Piece> SplitLong(string text, long start, Boundary boundary)
    {
        int tokens = _tokenizer.CountTokens(text);
        while (tokens > _options.TargetTokens)
        {
            int cut = CutAtTokens(text, _options.TargetTokens);
            string head = text[..cut];
            yield return new Piece(start, head, _tokenizer.CountTokens(head), boundary);
            text = text[cut..];
            start += cut;
            boundary = Boundary.Token;
            tokens = _tokenizer.CountTokens(text);
        }

        if (text.Length > 0)
        {
            yield return new Piece(start, text, tokens, boundary);
        }
    }

    private int CutAtTokens(string text, int maxTokens)
    {
        int cut = _tokenizer.IndexAtTokenCount(text, maxTokens);
        cut = Math.Max(cut, 1);
        return cut < text.Length && char.IsLowSurrogate(text[cut]) ? cut + 1 : cut;
    }

    private List<TextChunk> Add(State state, Piece piece)
    {
        var emitted = new List<TextChunk>();
        bool headingBreak = piece.Boundary == Boundary.Heading && state.NewTokens >= _options.TargetTokens / 4;
        if (headingBreak)
        {
            emitted.AddRange(Emit(state, state.Pieces.Count, overlap: false));
        }
        else if (state.Tokens + piece.Tokens > _options.TargetTokens)
        {
            if (state.NewTokens == 0)
            {
                state.Clear(); // only the previous chunk's overlap: drop it rather than repeat it alone
            }
            else
            {
                emitted.AddRange(Emit(state, PreferredCut(state), overlap: true));
            }
        }

        state.Append(piece);
        return emitted;
    }

    // The latest paragraph (or heading) start in the second half of the chunk, else the whole chunk.
    private int PreferredCut(State state)
    {
        int before = 0;
        int best = state.Pieces.Count;
        for (int i = 0; i < state.Pieces.Count; i++)
        {
            if (i > state.OverlapCount && state.Pieces[i].Boundary >= Boundary.Paragraph && before >= _options.TargetTokens / 2)
            {
                best = i;
            }

            before += state.Pieces[i].Tokens;
        }

        return best;
    }

    // Emits pieces [0, count) as one chunk (split further if over the maximum) and keeps the rest, preceded by the
    // overlap when asked.
    private List<TextChunk> Emit(State state, int count, bool overlap)
    {
        var chunks = new List<TextChunk>();
        if (count == 0 || state.NewTokens == 0)
        {
            state.Clear();
            return chunks;
        }

        var emitted = state.Pieces.GetRange(0, count);
        var rest = state.Pieces.GetRange(count, state.Pieces.Count - count);
        var text = new StringBuilder();
        emitted.ForEach(p => text.Append(p.Text));
        Finish(state, emitted[0].Start, text.ToString(), chunks);

        state.Clear();
        if (overlap)
        {
            int tokens = 0;
            int take = 0;
            for (int i = emitted.Count - 1; i > 0 && tokens + emitted[i].Tokens <= _options.OverlapTokens; i--)
            {
                tokens += emitted[i].Tokens;
                take++;
            }

            foreach (var piece in emitted.GetRange(emitted.Count - take, take))
            {
                state.Append(piece);
            }

            state.OverlapCount = take;
            state.NewTokens = 0;
        }

        foreach (var piece in rest)
        {
            state.Append(piece);
        }

        return chunks;
    }

    // Trims the chunk's surrounding white space (moving its offsets to match) and enforces the hard maximum.
    private void Finish(State state, long start, string text, List<TextChunk> chunks)
    {
        int lead = text.Length - text.TrimStart().Length;
        string trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            return;
        }

        long charStart = start + lead;
        int tokens = _tokenizer.Encode(trimmed).Length;
        if (tokens > _options.MaxTokens)
        {
            int cut = CutAtTokens(trimmed, _options.MaxTokens - _tokenizer.AddedTokenCount);
            Finish(state, charStart, trimmed[..cut], chunks);
            Finish(state, charStart + cut, trimmed[cut..], chunks);
            return;
        }

        chunks.Add(new TextChunk(state.NextIndex++, charStart, charStart + trimmed.Length, trimmed, tokens));
    }

    private sealed record Piece(long Start, string Text, int Tokens, Boundary Boundary);

    private sealed class State
    {
        public List<Piece> Pieces { get; } = [];

        public int Tokens { get; private set; }

        // Tokens added since the last chunk (not counting its overlap).
        public int NewTokens { get; set; }

        public int OverlapCount { get; set; }

        public int NextIndex { get; set; }

        public void Append(Piece piece)
        {
            Pieces.Add(piece);
            Tokens += piece.Tokens;
            NewTokens += piece.Tokens;
        }

        public void Clear()
        {
            Pieces.Clear();
            Tokens = 0;
            NewTokens = 0;
            OverlapCount = 0;
        }
    }
}

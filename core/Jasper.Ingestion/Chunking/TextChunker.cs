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
    private readonly ITokenMeasure _tokenizer;
    private readonly ChunkingOptions _options;

    /// <summary>Creates a chunker for a model's tokenizer.</summary>
    public TextChunker(JasperTokenizer tokenizer, ChunkingOptions? options = null)
        : this(new TokenizerMeasure(tokenizer), options)
    {
    }

    /// <summary>Creates a chunker that measures text with <paramref name="tokenizer"/>.</summary>
    public TextChunker(ITokenMeasure tokenizer, ChunkingOptions? options = null)
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

    // A sentence longer than the target is cut at token boundaries into target-sized pieces, in one pass over it:
    // each window of the text is tokenized once and gives every cut that falls in it (a 4 MB paragraph re-counted
    // after every cut took minutes). A cut is kept only where the window tokenizes as the whole text would: the text
    // is cut into the same pre-token pieces (each at most MaxPieceLength long) up to the window's last two, which a
    // margin of two pieces keeps clear of the cut. Most sentences fit the target and are only counted.
    private IEnumerable<Piece> SplitLong(string text, long start, Boundary boundary)
    {
        const int Margin = (2 * JasperTokenizer.MaxPieceLength) + 1;
        int target = _options.TargetTokens;
        long firstWindow = Math.Max(WindowLength, (8L * target) + Margin);
        if (text.Length > 0 && text.Length <= firstWindow && _tokenizer.CountTokens(text) is int all && all <= target)
        {
            yield return new Piece(start, text, all, boundary);
            yield break;
        }

        long window = firstWindow;
        for (int at = 0; at < text.Length;)
        {
            string slice = text.Substring(at, (int)Math.Min(window, text.Length - at));
            bool rest = at + slice.Length == text.Length;
            int safe = rest ? slice.Length : slice.Length - Margin;
            int[] ends = _tokenizer.TokenEnds(slice);
            int first = 0;
            int from = 0;
            while (true)
            {
                if (rest && ends.Length - first <= target)
                {
                    yield return new Piece(start + at + from, slice[from..], ends.Length - first, boundary);
                    from = slice.Length;
                    break;
                }

                if (ends.Length - first < target)
                {
                    break; // the rest of this window is not enough: go on in the next one
                }

                int cut = CutAfter(slice, ends, first, target);
                if (cut <= from)
                {
                    // Backing off a split character left nothing: take the first token that ends past it instead.
                    cut = ends.Skip(first).FirstOrDefault(end => end > from, slice.Length);
                }

                if (cut > safe)
                {
                    break; // not provably exact this close to the window's end: go on in the next one
                }

                int tokens = TokensUpTo(ends, first, cut);
                yield return new Piece(start + at + from, slice[from..cut], tokens, boundary);
                boundary = Boundary.Token;
                first += tokens;
                from = cut;
            }

            // A window that gave no cut was too short for one: the next, from the same place, is twice as long.
            window = from == 0 ? window * 2 : firstWindow;
            at += from;
        }
    }

    // Characters a sentence is tokenized in at a time: long enough for a few dozen cuts, short enough to hold.
    private const int WindowLength = 65_536;

    // The end of the first `count` tokens from token `first`, moved back off a character that is split between two
    // tokens (bytes of one character) or a surrogate pair, so that no character is cut.
    private static int CutAfter(string slice, int[] ends, int first, int count)
    {
        int k = first + count;
        while (k > first + 1 && ((k < ends.Length && ends[k] == ends[k - 1]) || (ends[k - 1] < slice.Length && char.IsLowSurrogate(slice[ends[k - 1]]))))
        {
            k--;
        }

        return ends[k - 1];
    }

    // Tokens from index `first` that end at or before `cut`.
    private static int TokensUpTo(int[] ends, int first, int cut)
    {
        int k = first;
        while (k < ends.Length && ends[k] <= cut)
        {
            k++;
        }

        return k - first;
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
        int tokens = _tokenizer.CountTokens(trimmed) + _tokenizer.AddedTokenCount;
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

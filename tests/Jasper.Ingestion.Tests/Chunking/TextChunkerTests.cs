using System.Text;
using Jasper.Embeddings.Tokenization;
using Jasper.Ingestion.Chunking;
using Jasper.Ingestion.Extraction;
using Jasper.TestSupport;

namespace Jasper.Ingestion.Tests.Chunking;

public sealed class TextChunkerTests
{
    private static readonly Lazy<JasperTokenizer> Tokenizer = new(() => JasperTokenizer.Load(RepoPaths.QwenTokenizer));

    [Fact]
    public async Task Offsets_map_back_exactly_and_every_character_of_text_is_covered()
    {
        var blocks = Document(sections: 6, paragraphsPerSection: 5);
        string extracted = string.Concat(blocks.Select(b => b.Text));
        var chunks = await ChunkAsync(blocks, new ChunkingOptions());

        Assert.True(chunks.Count > 3);
        var covered = new bool[extracted.Length];
        foreach (var chunk in chunks)
        {
            Assert.Equal(extracted[(int)chunk.CharStart..(int)chunk.CharEnd], chunk.Text);
            for (long i = chunk.CharStart; i < chunk.CharEnd; i++)
            {
                covered[i] = true;
            }
        }

        Assert.All(Enumerable.Range(0, extracted.Length).Where(i => !char.IsWhiteSpace(extracted[i])), i => Assert.True(covered[i], $"character {i} is in no chunk"));
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Index));
    }

    [Fact]
    public async Task Chunks_stay_near_the_target_and_never_exceed_the_maximum()
    {
        var chunks = await ChunkAsync(Document(8, 6), new ChunkingOptions { TargetTokens = 200, OverlapTokens = 30, MaxTokens = 220 });
        Assert.All(chunks, c => Assert.InRange(c.Tokens, 1, 220));
        Assert.All(chunks, c => Assert.Equal(Tokenizer.Value.Encode(c.Text).Length, c.Tokens));
        Assert.True(chunks.Average(c => c.Tokens) > 100, "chunks should be packed toward the target");
    }

    [Fact]
    public async Task A_long_sentence_is_cut_with_work_proportional_to_its_length()
    {
        // One 300,000-character paragraph with no sentence end: re-counting the rest after every cut tokenized it
        // about 600 times over (hundreds of millions of characters); one pass with bounded windows, a few times over.
        var words = new Random(3);
        string paragraph = string.Join(' ', Enumerable.Range(0, 70_000).Select(_ => new string((char)('a' + words.Next(26)), 1 + words.Next(8))));
        paragraph = paragraph[..300_000];
        var measure = new CountingMeasure(Tokenizer.Value);
        var options = new ChunkingOptions { TargetTokens = 256, OverlapTokens = 0 };

        var chunks = new List<TextChunk>();
        await foreach (var chunk in new TextChunker(measure, options).ChunkAsync(new[] { new TextBlock(paragraph, TextBlockKind.Paragraph) }.ToAsyncEnumerable()))
        {
            chunks.Add(chunk);
        }

        Assert.True(measure.Characters <= 3L * paragraph.Length, $"{measure.Characters:N0} characters tokenized for a text of {paragraph.Length:N0}");
        Assert.All(chunks, c => Assert.InRange(c.Tokens, 1, options.MaxTokens));
        Assert.All(chunks.SkipLast(1), c => Assert.InRange(c.Tokens, options.TargetTokens - 8, options.TargetTokens + 2));
        Assert.All(chunks.Zip(chunks.Skip(1)), pair => Assert.True(string.IsNullOrWhiteSpace(paragraph[(int)pair.First.CharEnd..(int)pair.Second.CharStart])));
        Assert.True(string.IsNullOrWhiteSpace(paragraph[(int)chunks[^1].CharEnd..]));
    }

    // Counts the characters the chunker hands the tokenizer: the work, without timing it.
    private sealed class CountingMeasure(JasperTokenizer tokenizer) : ITokenMeasure
    {
        public long Characters { get; private set; }

        public int AddedTokenCount => tokenizer.AddedTokenCount;

        public int CountTokens(string text)
        {
            Characters += text.Length;
            return tokenizer.CountTokens(text);
        }

        public int IndexAtTokenCount(string text, int maxTokens)
        {
            Characters += text.Length;
            return tokenizer.IndexAtTokenCount(text, maxTokens);
        }

        public int[] TokenEnds(string text)
        {
            Characters += text.Length;
            return tokenizer.TokenEnds(text);
        }
    }

    [Fact]
    public async Task Consecutive_chunks_overlap_by_whole_sentences_up_to_the_overlap()
    {
        var options = new ChunkingOptions { TargetTokens = 120, OverlapTokens = 40 };
        var blocks = new[] { new TextBlock(string.Join(' ', Enumerable.Range(0, 80).Select(i => $"Sentence number {i} says something short.")), TextBlockKind.Paragraph) };
        var chunks = await ChunkAsync(blocks, options);

        Assert.True(chunks.Count >= 3);
        for (int i = 1; i < chunks.Count; i++)
        {
            Assert.True(chunks[i].CharStart < chunks[i - 1].CharEnd, $"chunk {i} does not overlap the previous one");
            string shared = chunks[i - 1].Text[(int)(chunks[i].CharStart - chunks[i - 1].CharStart)..];
            Assert.True(Tokenizer.Value.Encode(shared).Length <= options.OverlapTokens + 2);
            Assert.StartsWith("Sentence number", chunks[i].Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Headings_start_new_chunks()
    {
        var chunks = await ChunkAsync(Document(sections: 5, paragraphsPerSection: 2), new ChunkingOptions { TargetTokens = 400, OverlapTokens = 32 });
        var starts = chunks.Select(c => c.Text.Split('\n')[0]).ToList();
        for (int s = 1; s < 5; s++)
        {
            Assert.Contains($"Section {s}", starts);
        }
    }

    [Fact]
    public async Task Text_without_any_break_is_cut_at_token_boundaries()
    {
        string chinese = string.Concat(Enumerable.Repeat("向量检索把文本转换成向量再用余弦相似度寻找语义上最接近的内容", 120));
        var options = new ChunkingOptions { TargetTokens = 128, OverlapTokens = 16, MaxTokens = 160 };
        var chunks = await ChunkAsync([new TextBlock(chinese, TextBlockKind.Paragraph)], options);
        Assert.True(chunks.Count > 5);
        Assert.All(chunks, c => Assert.InRange(c.Tokens, 1, 160));
        Assert.Equal(chinese, string.Concat(chunks.Select(c => c.Text))); // token cuts leave no gaps and no overlap
    }

    [Fact]
    public async Task Chunking_is_deterministic()
    {
        var blocks = Document(4, 4);
        var a = await ChunkAsync(blocks, new ChunkingOptions());
        var b = await ChunkAsync(blocks, new ChunkingOptions());
        Assert.Equal(a, b);
    }

    [Fact]
    public void Inconsistent_sizes_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new TextChunker(Tokenizer.Value, new ChunkingOptions { TargetTokens = 100, OverlapTokens = 100 }));
        Assert.Throws<ArgumentException>(() => new TextChunker(Tokenizer.Value, new ChunkingOptions { TargetTokens = 2000, MaxTokens = 1024 }));
    }

    private static List<TextBlock> Document(int sections, int paragraphsPerSection)
    {
        var random = new Random(11);
        string[] words = ["compression", "token", "vector", "embedding", "search", "model", "ratio", "layer", "chunk", "document", "模型", "向量"];
        var blocks = new List<TextBlock>();
        for (int s = 0; s < sections; s++)
        {
            blocks.Add(new TextBlock($"Section {s}\n\n", TextBlockKind.Heading));
            for (int p = 0; p < paragraphsPerSection; p++)
            {
                var paragraph = new StringBuilder();
                for (int sentence = 0; sentence < random.Next(3, 9); sentence++)
                {
                    paragraph.Append(string.Join(' ', Enumerable.Range(0, random.Next(5, 25)).Select(_ => words[random.Next(words.Length)]))).Append(". ");
                }

                blocks.Add(new TextBlock(paragraph.ToString().TrimEnd() + "\n\n", TextBlockKind.Paragraph));
            }
        }

        return blocks;
    }

    private static async Task<List<TextChunk>> ChunkAsync(IEnumerable<TextBlock> blocks, ChunkingOptions options)
    {
        var chunks = new List<TextChunk>();
        await foreach (var chunk in new TextChunker(Tokenizer.Value, options).ChunkAsync(blocks.ToAsyncEnumerable()))
        {
            chunks.Add(chunk);
        }

        return chunks;
    }
}

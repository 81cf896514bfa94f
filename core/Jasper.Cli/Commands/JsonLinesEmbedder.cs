using System.Runtime.ExceptionServices;
using Jasper.Embeddings.Inference;
using Jasper.Embeddings.Tokenization;
using Jasper.Ingestion.Serialization;

namespace Jasper.Cli.Commands;

/// <summary>
/// The body of <c>jasper embed</c>: JSON Lines in, vectors out as JSON Lines in input order, in blocks of lines so
/// that memory stays bounded. Each block is read, tokenized on every core, embedded and written; when the encoder runs
/// on a GPU, these stages run side by side on consecutive blocks: while the encoder embeds one block, the next is read
/// and tokenized and the last is written.
/// </summary>
/// <remarks>
/// Why: on a GPU the encoder is as fast as the host work around it. One core tokenizes about 2 million tokens a
/// second, and the fused fp16 graph embeds 0.25 to 1.4 million a second on an H200, so tokenizing and writing each
/// block before and after embedding it would leave the GPU idle for up to half the time. On the CPU the encoder
/// already uses every core (ONNX Runtime's threads spin between its kernels), and running the stages side by side
/// made `jasper embed` about 5% slower on two cores, so there they run one after another.
/// </remarks>
internal sealed class JsonLinesEmbedder
{
    /// <summary>Lines per block: enough for full GPU batches, few enough that five blocks in flight stay small.</summary>
    public const int DefaultBlockSize = 1024;

    private readonly JasperEncoder _encoder;
    private readonly int _blockSize;
    private readonly bool _sideBySide;

    /// <summary>
    /// An embedder for <paramref name="encoder"/>, whose stages run side by side unless it runs on the CPU, or as
    /// <paramref name="sideBySide"/> says.
    /// </summary>
    public JsonLinesEmbedder(JasperEncoder encoder, int blockSize = DefaultBlockSize, bool? sideBySide = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        _encoder = encoder;
        _blockSize = blockSize;
        _sideBySide = sideBySide ?? encoder.Provider.Provider != ExecutionProvider.Cpu;
    }

    /// <summary>
    /// Embeds every line of <paramref name="reader"/> into <paramref name="output"/>; <paramref name="written"/> hears
    /// of each block once it is written, and <paramref name="embedded"/> of what is embedded so far, written or not.
    /// A malformed line fails the whole input with an error that names it, the first in input order where several
    /// are; nothing touches the reader or the output once this has returned.
    /// </summary>
    public async Task<EmbeddedTotals> EmbedAsync(TextReader reader, Stream output, Action<EmbeddedTotals> written, CancellationToken cancellationToken, Action<EmbeddedTotals>? embedded = null)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var lines = JsonLinesInput.ReadAsync(reader, stop.Token).GetAsyncEnumerator(stop.Token);
        var totals = new EmbeddedTotals(0, 0, 0);
        var embeddedTotals = totals;
        Task<Block?> next = Task.Run(() => ReadBlockAsync(lines, stop.Token), stop.Token);
        Task writing = Task.CompletedTask;
        try
        {
            while (await next.ConfigureAwait(false) is Block block)
            {
                if (_sideBySide)
                {
                    next = Task.Run(() => ReadBlockAsync(lines, stop.Token), stop.Token);
                }

                var before = embeddedTotals;
                var inBlock = embedded is null ? null : new SynchronousProgress<EmbeddingProgress>(done => embedded(before.Add(done)));
                var results = await _encoder.EmbedAsync(block.Texts, inBlock, stop.Token).ConfigureAwait(false);
                embeddedTotals = embeddedTotals.Add(results);
                await writing.ConfigureAwait(false); // one writer at a time keeps the output in input order
                writing = Task.Run(() => WriteBlockAsync(block, results), stop.Token);
                if (!_sideBySide)
                {
                    await writing.ConfigureAwait(false);
                    next = Task.Run(() => ReadBlockAsync(lines, stop.Token), stop.Token);
                }
            }

            await writing.ConfigureAwait(false);
            return totals;
        }
        catch
        {
            // The stages still running read the input and write the output, which the caller closes once this throws;
            // their own failures are the cancellation or follow from the failure being thrown.
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(next, writing).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
        finally
        {
            await lines.DisposeAsync().ConfigureAwait(false);
        }

        // A block goes out in one write, then is reported: written a line at a time, a failure that arrived mid-block
        // left some of its lines out and none reported, so the output no longer held exactly the blocks reported.
        async Task WriteBlockAsync(Block block, IReadOnlyList<TextEmbedding> results)
        {
            using var lines = new MemoryStream();
            for (int i = 0; i < block.Lines.Count; i++)
            {
                lines.Write(Format(block.Lines[i], results[i]).Span);
            }

            await output.WriteAsync(lines.GetBuffer().AsMemory(0, (int)lines.Length), stop.Token).ConfigureAwait(false);
            totals = totals.Add(results);
            written(totals);
        }
    }

    // Reads up to a block of lines and tokenizes them on every core; null at the end of the input.
    private async Task<Block?> ReadBlockAsync(IAsyncEnumerator<JsonLinesInput.Line> lines, CancellationToken cancellationToken)
    {
        var block = new List<JsonLinesInput.Line>(_blockSize);
        ExceptionDispatchInfo? unreadable = null;
        try
        {
            while (block.Count < _blockSize && await lines.MoveNextAsync().ConfigureAwait(false))
            {
                block.Add(lines.Current);
            }
        }
        catch (InputFormatException e)
        {
            // A line that is not even JSON ends the input, but a line before it may be the first error.
            unreadable = ExceptionDispatchInfo.Capture(e);
        }

        if (block.Count == 0)
        {
            unreadable?.Throw();
            return null;
        }

        var texts = new PreparedText[block.Count];
        var errors = new Exception?[block.Count];
        Parallel.For(0, block.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            try
            {
                texts[i] = Prepare(block[i]);
            }
            catch (Exception e)
            {
                errors[i] = e;
            }
        });

        // Lines are tokenized in no set order; the error reported is the first line's, as when they were read one by one.
        if (errors.FirstOrDefault(e => e is not null) is Exception first)
        {
            ExceptionDispatchInfo.Throw(first);
        }

        unreadable?.Throw();
        return new Block(block, texts);
    }

    private PreparedText Prepare(JsonLinesInput.Line line)
    {
        try
        {
            return _encoder.Prepare(new EmbeddingInput(line.Text, line.CompressionRatio, line.PromptName));
        }
        catch (TokenLimitExceededException ex)
        {
            throw new InputFormatException($"line {line.Number} (id {line.Id.GetRawText()}): {ex.Message} Pass --truncate to keep the first {ex.MaxTokens} tokens.", ex);
        }
        catch (ArgumentException ex)
        {
            throw new InputFormatException($"line {line.Number} (id {line.Id.GetRawText()}): {ex.Message}", ex);
        }
    }

    private static ReadOnlyMemory<byte> Format(JsonLinesInput.Line line, TextEmbedding result) => JsonLines.Line(
        json =>
        {
            json.WriteStartObject();
            json.WritePropertyName("id");
            line.Id.WriteTo(json);
            json.WriteStartArray("embedding");
            foreach (float value in result.Vector)
            {
                json.WriteNumberValue(value);
            }

            json.WriteEndArray();
            json.WriteNumber("tokens", result.Tokens);
            json.WriteNumber("compressed_tokens", result.CompressedTokens);
            json.WriteEndObject();
        },
        result.Vector.Length * 12);

    // A block's lines and their tokens, in input order.
    private sealed record Block(IReadOnlyList<JsonLinesInput.Line> Lines, PreparedText[] Texts);
}

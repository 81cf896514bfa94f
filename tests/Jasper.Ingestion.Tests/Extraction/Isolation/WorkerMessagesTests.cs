using Jasper.Ingestion.Extraction;
using Jasper.Ingestion.Extraction.Isolation;

namespace Jasper.Ingestion.Tests.Extraction.Isolation;

public sealed class WorkerMessagesTests
{
    [Fact]
    public void A_request_carries_every_limit_of_the_extraction_options()
    {
        // Each settable limit gets a value unlike its default, so a limit added to ExtractionOptions and not sent fails here.
        var options = new ExtractionOptions();
        var limits = typeof(ExtractionOptions).GetProperties().Where(p => p.CanWrite && p.Name != nameof(ExtractionOptions.Isolation)).ToList();
        for (int i = 0; i < limits.Count; i++)
        {
            limits[i].SetValue(options, Convert.ChangeType(1_000 + i, limits[i].PropertyType, System.Globalization.CultureInfo.InvariantCulture));
        }

        using var stream = new MemoryStream();
        new WorkerRequest(FileFormat.Docx, options).WriteTo(stream);
        stream.WriteByte(42); // the document's first byte
        stream.Position = 0;
        var read = WorkerRequest.TryReadFrom(stream)!;

        Assert.Equal(FileFormat.Docx, read.Format);
        Assert.All(limits, limit => Assert.Equal(limit.GetValue(options), limit.GetValue(read.Options)));
        Assert.False(read.Options.Isolation.Enabled);
        Assert.Equal(42, stream.ReadByte());
    }

    [Fact]
    public void A_worker_whose_input_ends_before_a_request_has_no_more_documents_and_one_cut_inside_a_request_is_an_error()
    {
        Assert.Null(WorkerRequest.TryReadFrom(new MemoryStream()));
        Assert.Throws<EndOfStreamException>(() => WorkerRequest.TryReadFrom(new MemoryStream([1, 0])));
    }

    [Fact]
    public async Task A_document_crosses_in_chunks_whole_and_ends_where_it_does()
    {
        byte[] document = [.. Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7))];
        using var input = new MemoryStream();
        Assert.True(await ChunkedDocument.SendAsync(new MemoryStream(document), input, CancellationToken.None));
        input.WriteByte(99); // the next request's first byte
        input.Position = 0;

        using var received = new MemoryStream();
        await using (var chunked = new ChunkedDocument(input))
        {
            await chunked.CopyToAsync(received);
        }

        Assert.Equal(document, received.ToArray());
        Assert.Equal(99, input.ReadByte()); // left open, at the next request
    }

    [Fact]
    public async Task Replies_carry_text_exactly_an_unpaired_surrogate_included()
    {
        WorkerReply[] sent =
        [
            new WorkerReply.Block(new TextBlock("Überschrift \ud800 中文\n\n", TextBlockKind.Heading)),
            new WorkerReply.Block(new TextBlock(string.Empty, TextBlockKind.Paragraph)),
            new WorkerReply.Refusal(DocumentErrorKind.TooDeep, "the PDF nests forms more than 256 deep"),
            new WorkerReply.Failure("disk full"),
            new WorkerReply.End(),
        ];
        using var stream = new MemoryStream();
        foreach (var reply in sent)
        {
            await reply.WriteToAsync(stream, CancellationToken.None);
        }

        stream.Position = 0;
        var received = new List<WorkerReply>();
        while (await WorkerReply.ReadFromAsync(stream, CancellationToken.None) is { } reply)
        {
            received.Add(reply);
        }

        Assert.Equal(sent, received);
    }

    [Fact]
    public async Task A_reply_cut_short_or_claiming_an_absurd_length_is_an_error_not_a_block()
    {
        using var cut = new MemoryStream();
        await new WorkerReply.Block(new TextBlock("twelve chars", TextBlockKind.Paragraph)).WriteToAsync(cut, CancellationToken.None);
        cut.SetLength(cut.Length - 1);
        cut.Position = 0;
        await Assert.ThrowsAsync<EndOfStreamException>(() => WorkerReply.ReadFromAsync(cut, CancellationToken.None));

        using var absurd = new MemoryStream([(byte)'B', 1, 0xFF, 0xFF, 0xFF, 0x7F]);
        await Assert.ThrowsAsync<InvalidDataException>(() => WorkerReply.ReadFromAsync(absurd, CancellationToken.None));
    }
}

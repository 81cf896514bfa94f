using System.Text;
using Jasper.Ingestion.Extraction;
using Jasper.TestSupport;

namespace Jasper.Ingestion.Tests.Extraction;

public sealed class DocumentExtractorTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly DocumentExtractor _extractor = new();

    public DocumentExtractorTests() => MixedDocuments.Write(_dir.Path);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Every_good_document_yields_its_text()
    {
        foreach (var (name, phrase) in MixedDocuments.Good)
        {
            string text = await ExtractAsync(name);
            Assert.Contains(phrase, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Every_bad_document_fails_with_its_named_reason()
    {
        foreach (var (name, kind) in MixedDocuments.Bad)
        {
            var error = await Assert.ThrowsAsync<DocumentException>(() => ExtractAsync(name));
            Assert.True(error.Reason.StartsWith(kind + ": ", StringComparison.Ordinal), $"{name}: {error.Reason}");
        }
    }

    [Fact]
    public async Task The_format_comes_from_the_content_before_the_name()
    {
        Assert.Equal(FileFormat.Pdf, await DetectAsync("pdf-named-as.txt"));
        Assert.Equal(FileFormat.Docx, await DetectAsync("letter.docx"));
        File.WriteAllText(_dir.Combine("page-without-extension"), "<!DOCTYPE html><html><body><p>x</p></body></html>");
        Assert.Equal(FileFormat.Html, await DetectAsync("page-without-extension"));
        File.WriteAllText(_dir.Combine("not-a.pdf"), "just text");
        Assert.Equal(DocumentErrorKind.Corrupt, (await Assert.ThrowsAsync<DocumentException>(() => DetectAsync("not-a.pdf"))).Kind);
    }

    [Fact]
    public async Task Html_keeps_visible_text_only_and_marks_headings()
    {
        File.WriteAllText(_dir.Combine("x.html"), """
            <html><head><title>T</title><style>.a{}</style></head><body>
            <h2>Section   title</h2><p>Para <b>one</b>
            continues.</p><script>var x = "script";</script><div hidden>hidden div</div><noscript>no</noscript>
            <ul><li>item one</li><li>item two</li></ul><pre>  keep   spacing</pre></body></html>
            """);
        var blocks = await BlocksAsync("x.html");
        Assert.Equal(["Section title", "Para one continues.", "item one", "item two", "keep   spacing"], blocks.Select(b => b.Text.Trim()));
        Assert.Equal(TextBlockKind.Heading, blocks[0].Kind);
        Assert.DoesNotContain(blocks, b => b.Text.Contains("script", StringComparison.Ordinal) || b.Text.Contains("hidden", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Html_declaring_another_charset_is_decoded_correctly()
    {
        byte[] latin1 = Encoding.Latin1.GetBytes("<html><head><meta charset=\"iso-8859-1\"></head><body><p>caf\u00e9 cr\u00e8me</p></body></html>");
        File.WriteAllBytes(_dir.Combine("latin1.html"), latin1);
        Assert.Contains("café crème", await ExtractAsync("latin1.html"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Markdown_keeps_headings_as_text_without_markup()
    {
        File.WriteAllText(_dir.Combine("m.md"), "# Title\n\nText with *emphasis*, `code` and a [link](http://x).\n\n| a | b |\n|---|---|\n| c | d |\n");
        var blocks = await BlocksAsync("m.md");
        Assert.Equal(TextBlockKind.Heading, blocks[0].Kind);
        Assert.Equal("Title", blocks[0].Text.Trim());
        Assert.Equal("Text with emphasis, code and a link.", blocks[1].Text.Trim());
        Assert.Contains(blocks, b => b.Text.Trim() == "d");
    }

    [Fact]
    public async Task Docx_headings_and_paragraphs_become_blocks()
    {
        var blocks = await BlocksAsync("letter.docx");
        Assert.Equal([TextBlockKind.Heading, TextBlockKind.Paragraph], blocks.Select(b => b.Kind));
    }

    [Fact]
    public async Task Plain_text_blocks_concatenate_back_to_the_file_exactly()
    {
        var random = new Random(5);
        var builder = new StringBuilder();
        while (builder.Length < (3 * PlainTextExtractor.WindowChars) + 123)
        {
            builder.Append(string.Join(' ', Enumerable.Range(0, random.Next(1, 400)).Select(_ => "word" + random.Next(100))));
            builder.Append(random.Next(4) switch { 0 => "\n\n", 1 => "\r\n\r\n", 2 => "\n", _ => " 🚀 " });
        }

        builder.Append(new string('x', PlainTextExtractor.WindowChars + 10)); // a paragraph longer than a window
        File.WriteAllText(_dir.Combine("big.txt"), builder.ToString(), new UTF8Encoding(false));

        var blocks = await BlocksAsync("big.txt");
        Assert.Equal(builder.ToString(), string.Concat(blocks.Select(b => b.Text)));
        Assert.All(blocks, b => Assert.True(b.Text.Length <= PlainTextExtractor.WindowChars));
    }

    [Fact]
    public async Task Text_that_is_not_utf8_is_rejected_not_replaced()
    {
        var error = await Assert.ThrowsAsync<DocumentException>(() => ExtractAsync("latin1.txt"));
        Assert.Equal(DocumentErrorKind.Encoding, error.Kind);
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Documents_over_the_limit_are_refused_by_size()
    {
        var small = new DocumentExtractor(new ExtractionOptions { MaxParsedBytes = 100 });
        string path = _dir.Combine("report.pdf");
        var error = await Assert.ThrowsAsync<DocumentException>(() => small.DetectAsync(Open(path), "report.pdf", new FileInfo(path).Length));
        Assert.Equal(DocumentErrorKind.TooLarge, error.Kind);
        Assert.StartsWith("too-large: ", error.Reason, StringComparison.Ordinal);
    }

    // Each element becomes a node of the parser's tree, all held at once: 20 MB of Markdown list items took 4.5 GB,
    // 20 MB of HTML 1.6 GB, and a 200 KB .docx unpacking to 68 MB of paragraphs 1.3 GB, where a worker has 2 or 4.
    [Theory]
    [InlineData("items.md")]
    [InlineData("emphasis.md")]
    [InlineData("tags.html")]
    [InlineData("paragraphs.docx")]
    public async Task A_document_of_more_elements_than_the_limit_is_refused_before_it_is_parsed(string name)
    {
        var few = new DocumentExtractor(new ExtractionOptions { MaxElements = 1_000 });
        string Repeat(string piece, int count) => string.Concat(Enumerable.Repeat(piece, count));
        byte[] Bytes(int count) => name switch
        {
            "items.md" => Encoding.UTF8.GetBytes(Repeat("* item\n", count)),
            "emphasis.md" => Encoding.UTF8.GetBytes("One line: " + Repeat("*a* ", count)),
            "tags.html" => Encoding.UTF8.GetBytes($"<html><body>{Repeat("<b>x</b>", count)}</body></html>"),
            _ => DocumentFactory.DocxPackage(DocumentFactory.WordDocumentXml(Repeat("<w:p><w:r><w:t>x</w:t></w:r></w:p>", count / 4))),
        };

        await File.WriteAllBytesAsync(_dir.Combine("within-" + name), Bytes(400));
        await File.WriteAllBytesAsync(_dir.Combine(name), Bytes(4_000));
        Assert.NotEmpty(await BlocksAsync("within-" + name, few)); // well within the limit

        var error = await Assert.ThrowsAsync<DocumentException>(() => BlocksAsync(name, few));

        Assert.Equal(DocumentErrorKind.TooLarge, error.Kind);
        Assert.Contains("more than 1000 elements", error.Message, StringComparison.Ordinal);
    }

    // PdfPig builds every glyph of a page at once, about 440 bytes each: a 3.5 KB PDF showing 3 million letters on
    // one page took 1.3 GB. A page is weighed by the letters its content and the forms it draws show.
    // Content behind any filter PdfPig decodes is weighed by what it decodes to: LZW and run-length data grow, and a
    // name may spell its letters as #xx escapes.
    [Theory]
    [InlineData(4_000, 0, 0, false, false, "/FlateDecode", "FlateDecode")]
    [InlineData(1_500, 0, 0, true, false, "/FlateDecode", "FlateDecode")] // 750 in each of two streams: only the page's sum is over
    [InlineData(0, 100, 50, false, false, "/FlateDecode", "FlateDecode")]
    [InlineData(0, 100, 50, false, true, "/FlateDecode", "FlateDecode")] // the form bound in resources the page inherits
    [InlineData(4_000, 0, 0, false, false, "/LZWDecode", "LZWDecode")]
    [InlineData(4_000, 0, 0, false, false, "/RunLengthDecode", "RunLengthDecode")]
    [InlineData(4_000, 0, 0, false, false, "[/ASCIIHexDecode /FlateDecode]", "ASCIIHexDecode FlateDecode")]
    [InlineData(4_000, 0, 0, false, false, "[/A85 /LZW]", "ASCII85Decode LZWDecode")]
    [InlineData(4_000, 0, 0, false, false, "/Flat#65Decode", "FlateDecode")]
    [InlineData(0, 100, 50, false, false, "/LZWDecode", "LZWDecode")]
    public async Task A_pdf_page_drawing_more_letters_than_the_limit_is_refused_before_it_is_read(int glyphs, int formGlyphs, int draws, bool split, bool inherit, string filter, string encodings)
    {
        var few = new DocumentExtractor(new ExtractionOptions { MaxElements = 1_000 });
        await File.WriteAllBytesAsync(_dir.Combine("within.pdf"), DocumentFactory.PdfShowing(glyphs / 10, formGlyphs, draws / 10, split, inherit, filter, encodings));
        await File.WriteAllBytesAsync(_dir.Combine("showing.pdf"), DocumentFactory.PdfShowing(glyphs, formGlyphs, draws, split, inherit, filter, encodings));
        Assert.Contains("xxxxxxxxxx", string.Concat((await BlocksAsync("within.pdf", few)).Select(b => b.Text)), StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<DocumentException>(() => BlocksAsync("showing.pdf", few));

        Assert.Equal(DocumentErrorKind.TooLarge, error.Kind);
        Assert.Contains("more than 1000 letters", error.Message, StringComparison.Ordinal);
    }

    // PdfPig opens a PDF encrypted with an empty user password (owner-restricted PDFs are common), so the inspector
    // decrypts it too: encrypted, a page of 3 million letters in a 3.8 KB file took 1.32 GB.
    [Theory]
    [InlineData("rc4-40", 4_000, 0, 0)]
    [InlineData("rc4-128", 4_000, 0, 0)]
    [InlineData("rc4-128-literal", 4_000, 0, 0)] // /O and /U as literal strings with escapes
    [InlineData("aes-128", 4_000, 0, 0)]
    [InlineData("aes-256", 4_000, 0, 0)]
    [InlineData("aes-128", 0, 100, 50)]
    public async Task An_encrypted_pdf_page_drawing_more_letters_than_the_limit_is_refused_before_it_is_read(string security, int glyphs, int formGlyphs, int draws)
    {
        var encryption = security switch
        {
            "rc4-40" => PdfEncryption.Rc4(40),
            "rc4-128" => PdfEncryption.Rc4(128),
            "rc4-128-literal" => PdfEncryption.Rc4(128, literal: true),
            "aes-128" => PdfEncryption.Aes128(),
            _ => PdfEncryption.Aes256(),
        };
        var few = new DocumentExtractor(new ExtractionOptions { MaxElements = 1_000 });
        await File.WriteAllBytesAsync(_dir.Combine("within.pdf"), DocumentFactory.PdfShowing(glyphs / 10, formGlyphs, draws / 10, encryption: encryption));
        await File.WriteAllBytesAsync(_dir.Combine("showing.pdf"), DocumentFactory.PdfShowing(glyphs, formGlyphs, draws, encryption: encryption));
        Assert.Contains("xxxxxxxxxx", string.Concat((await BlocksAsync("within.pdf", few)).Select(b => b.Text)), StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<DocumentException>(() => BlocksAsync("showing.pdf", few));

        Assert.Equal(DocumentErrorKind.TooLarge, error.Kind);
        Assert.Contains("more than 1000 letters", error.Message, StringComparison.Ordinal);
    }

    // A library caller may not know a document's length (a stream from the network), and a file or blob may grow
    // between the length read and the document read: the limits hold while reading too.
    [Theory]
    [InlineData("page.html", false)]
    [InlineData("notes.txt", false)]
    [InlineData("letter.docx", false)]
    [InlineData("page.html", true)]
    [InlineData("letter.docx", true)]
    public async Task A_document_of_unknown_length_is_refused_by_size_as_it_is_read(string name, bool seekable)
    {
        var small = new DocumentExtractor(new ExtractionOptions { MaxParsedBytes = 20_000, MaxTextBytes = 20_000 });
        var words = string.Join(' ', Enumerable.Range(0, 6_000).Select(i => Convert.ToHexString(BitConverter.GetBytes(i * 2654435761u))));
        byte[] bytes = name switch
        {
            "page.html" => Encoding.UTF8.GetBytes($"<html><body><p>{words}</p></body></html>"),
            "notes.txt" => Encoding.UTF8.GetBytes(words),
            _ => DocumentFactory.DocxPackage(DocumentFactory.WordDocumentXml($"<w:p><w:r><w:t>{words}</w:t></w:r></w:p>")),
        };
        Assert.True(bytes.Length > 20_000, $"{bytes.Length} bytes");
        Func<CancellationToken, Task<Stream>> open = _ => Task.FromResult<Stream>(seekable ? new MemoryStream(bytes) : new ForwardOnly(new MemoryStream(bytes)));

        var error = await Assert.ThrowsAsync<DocumentException>(async () =>
        {
            var format = await small.DetectAsync(open, name, length: null);
            await foreach (var block in small.ExtractAsync(open, format))
            {
                GC.KeepAlive(block);
            }
        });

        Assert.Equal(DocumentErrorKind.TooLarge, error.Kind);
    }

    [Fact]
    public async Task A_docx_built_as_a_real_package_extracts()
    {
        await File.WriteAllBytesAsync(_dir.Combine("plain.docx"), DocumentFactory.DocxPackage(DocumentFactory.WordDocumentXml("<w:p><w:r><w:t>Plain words.</w:t></w:r></w:p>")));
        Assert.Equal("Plain words.", (await ExtractAsync("plain.docx")).TrimEnd());
    }

    [Fact]
    public async Task A_docx_nested_a_hundred_thousand_deep_is_refused_before_the_parser_recurses()
    {
        // Open XML recurses once per level: this 6 KB document overflowed the stack, which no catch survives.
        string nested = string.Concat(Enumerable.Repeat("<w:sdt>", 100_000)) + string.Concat(Enumerable.Repeat("</w:sdt>", 100_000));
        await File.WriteAllBytesAsync(_dir.Combine("deep.docx"), DocumentFactory.DocxPackage(DocumentFactory.WordDocumentXml("<w:p>" + nested + "</w:p>")));

        var error = await Assert.ThrowsAsync<DocumentException>(() => ExtractAsync("deep.docx"));

        Assert.Equal(DocumentErrorKind.TooDeep, error.Kind);
        Assert.StartsWith("too-deep: ", error.Reason, StringComparison.Ordinal);
        Assert.Contains("word/document.xml", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_docx_that_unpacks_past_the_limit_is_refused_by_what_it_unpacks_to()
    {
        var extractor = new DocumentExtractor(new ExtractionOptions { MaxUnpackedBytes = 8L << 20 });
        byte[] bomb = DocumentFactory.DocxPackage(
            DocumentFactory.WordDocumentXml("<w:p><w:r><w:t>Small.</w:t></w:r></w:p>"),
            ("word/media/zeros.bin", new byte[16 << 20]));
        Assert.True(bomb.Length < 64 << 10, $"the package weighs {bomb.Length} bytes");
        string path = _dir.Combine("bomb.docx");
        await File.WriteAllBytesAsync(path, bomb);

        var error = await Assert.ThrowsAsync<DocumentException>(async () =>
        {
            await foreach (var block in extractor.ExtractAsync(Open(path), FileFormat.Docx))
            {
                _ = block;
            }
        });

        Assert.Equal(DocumentErrorKind.TooLarge, error.Kind);
        Assert.Contains("unpacks to more than 8388608 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Html_and_markdown_nested_a_hundred_thousand_deep_are_named_or_read_without_recursion()
    {
        // Walking these trees recursively overflowed the stack, which ends the process; AngleSharp's own work on the page
        // grows with the depth squared (five minutes for this one), so it is refused before it is parsed.
        await File.WriteAllTextAsync(_dir.Combine("deep.html"), "<html><body>" + string.Concat(Enumerable.Repeat("<div><b>", 50_000)) + "deep text" + string.Concat(Enumerable.Repeat("</b></div>", 50_000)) + "</body></html>");
        await File.WriteAllTextAsync(_dir.Combine("sloppy.html"), "<html><body><ul>" + string.Concat(Enumerable.Repeat("<li><p>An item left open", 2_000)) + "</ul><div><div><span>deep text</span></div></div></body></html>");
        await File.WriteAllTextAsync(_dir.Combine("emphasis.md"), new string('*', 100_000) + "deep text" + new string('*', 100_000) + "\n");
        await File.WriteAllTextAsync(_dir.Combine("quotes.md"), new string('>', 100_000) + " deep text\n");

        var page = await Assert.ThrowsAsync<DocumentException>(() => ExtractAsync("deep.html"));
        Assert.Equal(DocumentErrorKind.TooDeep, page.Kind);
        Assert.Contains("more than 256 deep", page.Message, StringComparison.Ordinal);
        Assert.Contains("deep text", await ExtractAsync("sloppy.html"), StringComparison.Ordinal); // unclosed <li> and <p> do not nest
        Assert.Contains("deep text", await ExtractAsync("emphasis.md"), StringComparison.Ordinal);
        var quotes = await Assert.ThrowsAsync<DocumentException>(() => ExtractAsync("quotes.md"));
        Assert.Equal(DocumentErrorKind.TooDeep, quotes.Kind);
    }

    [Fact]
    public async Task An_encrypted_pdf_is_a_named_failure()
    {
        await File.WriteAllBytesAsync(_dir.Combine("locked.pdf"), DocumentFactory.EncryptedPdf());

        var error = await Assert.ThrowsAsync<DocumentException>(() => ExtractAsync("locked.pdf"));

        Assert.Equal(DocumentErrorKind.Unsupported, error.Kind);
        Assert.Contains("encrypted", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unknown-filter.pdf", "unsupported: the PDF uses something PdfPig cannot read (The filter with the name FlateD")]
    [InlineData("font-without-type.pdf", "unsupported: the PDF uses something PdfPig cannot read (Parsing not implemented for fonts")]
    [InlineData("font-without-first-char.pdf", "corrupt: the PDF cannot be read (The Type 1 font did not contain a first character entry")]
    public async Task A_pdf_pdfpig_throws_on_is_the_documents_failure_not_this_systems(string name, string reason)
    {
        // Found by fuzzing the sample PDF (tests/fixtures/fuzzed): PdfPig threw these, and as "failed" (an error of this
        // system's, not the document's) the Functions app retried each upload five times and poisoned it.
        File.Copy(Path.Combine(RepoPaths.Fixtures, "fuzzed", name), _dir.Combine(name));

        var error = await Assert.ThrowsAsync<DocumentException>(() => ExtractAsync(name));

        Assert.StartsWith(reason, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_type1_font_without_a_first_character_or_a_standard_name_is_corrupt()
    {
        await File.WriteAllBytesAsync(_dir.Combine("font.pdf"), DocumentFactory.RawPdf(
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            DocumentFactory.PdfStream(string.Empty, Encoding.ASCII.GetBytes("BT /F1 12 Tf 20 100 Td (Hello) Tj ET")),
            "<< /Type /Font /Subtype /Type1 >>",
        ]));

        var error = await Assert.ThrowsAsync<DocumentException>(() => ExtractAsync("font.pdf"));

        Assert.StartsWith("corrupt: the PDF cannot be read (The Type 1 font did not contain a first character entry", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_parser_error_quoting_the_document_names_it_without_its_control_characters_or_its_bulk()
    {
        await File.WriteAllBytesAsync(_dir.Combine("quoting.pdf"), DocumentFactory.PdfWithQuotingError(DocumentFactory.HostileQuote));

        var error = await Assert.ThrowsAsync<DocumentException>(() => ExtractAsync("quoting.pdf"));

        Assert.Equal(DocumentErrorKind.Corrupt, error.Kind);
        Assert.StartsWith("corrupt: the PDF cannot be read (Expected name as dictionary key, instead got: [ (\uFFFD[2J\uFFFD[31mowned\uFFFD\uFFFDAAA", error.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(error.Reason, char.IsControl); // printed to a terminal, it cannot clear the screen or ring the bell
        Assert.True(error.Message.Length <= DocumentException.MaxMessageLength, $"{error.Message.Length} characters"); // a status row holds it
        Assert.EndsWith("more characters)", error.Message, StringComparison.Ordinal);
    }

    private static Func<CancellationToken, Task<Stream>> Open(string path) => ExtractedFiles.Open(path);

    private Task<FileFormat> DetectAsync(string name)
    {
        string path = _dir.Combine(name);
        return _extractor.DetectAsync(Open(path), name, new FileInfo(path).Length);
    }

    private Task<List<TextBlock>> BlocksAsync(string name, DocumentExtractor? extractor = null) =>
        ExtractedFiles.BlocksAsync(extractor ?? _extractor, _dir.Combine(name));

    private async Task<string> ExtractAsync(string name) => string.Concat((await BlocksAsync(name)).Select(b => b.Text));

    // A stream that reads forward only, as a network stream does.
    private sealed class ForwardOnly(Stream inner) : ForwardStream(inner)
    {
        public override int Read(byte[] buffer, int offset, int count) => Inner.Read(buffer, offset, count);
    }
}

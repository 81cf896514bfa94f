using Jasper.Ingestion.Extraction;
using Jasper.TestSupport;

namespace Jasper.Ingestion.Tests.Extraction;

/// <summary>
/// The PDF checks that run before PdfPig opens a document: reference cycles (which PdfPig followed until the stack
/// overflowed, ending the process), decompression bombs and page counts, each a named failure; ordinary PDFs pass.
/// The inspector is called directly for the cycles, so that a regression fails these tests instead of killing the run.
/// </summary>
public sealed class PdfInspectorTests
{
    public static TheoryData<string, byte[]> Cycles => new()
    {
        { "an object that refers to itself", DocumentFactory.PdfWithReferenceCycle(1) },
        { "two objects that refer to each other", DocumentFactory.PdfWithReferenceCycle(2) },
        { "a cycle inside a compressed object stream", DocumentFactory.PdfWithCompressedReferenceCycle() },
        { "a cycle inside an LZW object stream", DocumentFactory.PdfWithCompressedReferenceCycle("/LZWDecode", "LZWDecode") },
        { "a cycle inside an object stream behind two filters", DocumentFactory.PdfWithCompressedReferenceCycle("[/ASCII85Decode /FlateDecode]", "ASCII85Decode FlateDecode") },
        { "a cycle inside an object stream whose filter's name is escaped", DocumentFactory.PdfWithCompressedReferenceCycle("/Flat#65Decode", "FlateDecode") },
        { "a cycle inside an RC4-encrypted object stream", DocumentFactory.PdfWithCompressedReferenceCycle(encryption: PdfEncryption.Rc4(128)) },
        { "a cycle inside an AES-256-encrypted object stream", DocumentFactory.PdfWithCompressedReferenceCycle(encryption: PdfEncryption.Aes256()) },
    };

    [Theory]
    [MemberData(nameof(Cycles))]
    public void A_reference_cycle_is_refused_before_pdfpig_follows_it(string name, byte[] pdf)
    {
        var error = Assert.Throws<DocumentException>(() => PdfInspector.Inspect(pdf, new ExtractionOptions()));

        Assert.True(error.Kind == DocumentErrorKind.Corrupt, name);
        Assert.StartsWith("corrupt: ", error.Reason, StringComparison.Ordinal);
        Assert.Contains("refers to itself", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void Forms_that_draw_each_other_are_refused_before_pdfpig_draws_them(int forms)
    {
        // PdfPig caught a form drawing itself but recursed through two forms drawing each other until the stack overflowed.
        var error = Assert.Throws<DocumentException>(() => PdfInspector.Inspect(DocumentFactory.PdfWithForms(forms, closeCycle: true), new ExtractionOptions()));

        Assert.Equal(DocumentErrorKind.Corrupt, error.Kind);
        Assert.Contains("draws itself", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forms_nested_deeper_than_the_limit_are_too_deep_and_a_shallow_chain_passes()
    {
        var error = Assert.Throws<DocumentException>(() => PdfInspector.Inspect(DocumentFactory.PdfWithForms(300, closeCycle: false), new ExtractionOptions()));
        Assert.Equal(DocumentErrorKind.TooDeep, error.Kind);
        Assert.Contains("more than 256 deep", error.Message, StringComparison.Ordinal);

        PdfInspector.Inspect(DocumentFactory.PdfWithForms(20, closeCycle: false), new ExtractionOptions());
    }

    [Fact]
    public void Forms_sharing_one_resource_dictionary_are_inspected_in_work_that_grows_with_them_not_with_their_square()
    {
        // Each form once looked its names up in the shared dictionary by reading all of it: 3,000 forms in 0.5 MB took
        // 12 s, and 30,000 in 5 MB would take 20 minutes. Memory allocated stands for the work, and is not noisy as time is.
        byte[] pdf = DocumentFactory.PdfWithSharedForms(2_000);
        long before = GC.GetAllocatedBytesForCurrentThread();

        PdfInspector.Inspect(pdf, new ExtractionOptions());

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 100 * pdf.Length, $"{allocated:N0} bytes allocated inspecting {pdf.Length:N0}");
    }

    [Fact]
    public void Forms_of_unknown_content_sharing_one_dictionary_are_walked_in_work_that_grows_with_them()
    {
        // A form whose content is not known (a filter not unpacked here) may draw anything its resources bind; each
        // form once held every form of the shared dictionary, N² in all. It may draw itself, so the file is refused.
        byte[] pdf = DocumentFactory.PdfWithSharedForms(2_000, formFilter: "/DCTDecode");
        long before = GC.GetAllocatedBytesForCurrentThread();

        var error = Assert.Throws<DocumentException>(() => PdfInspector.Inspect(pdf, new ExtractionOptions()));

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("draws itself", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 100 * pdf.Length, $"{allocated:N0} bytes allocated inspecting {pdf.Length:N0}");
    }

    [Fact]
    public async Task Forms_that_share_their_page_resources_are_drawn()
    {
        var blocks = new List<TextBlock>();
        await foreach (var block in new DocumentExtractor().ExtractAsync(_ => Task.FromResult<Stream>(new MemoryStream(DocumentFactory.PdfWithForms(3, closeCycle: false))), FileFormat.Pdf))
        {
            blocks.Add(block);
        }

        Assert.Contains("Drawn", string.Concat(blocks.Select(b => b.Text)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_decompression_bomb_is_refused_by_the_bytes_it_unpacks_to()
    {
        byte[] bomb = DocumentFactory.PdfBomb(16L << 20);
        Assert.True(bomb.Length < 64 << 10, $"the PDF weighs {bomb.Length} bytes");

        var error = Assert.Throws<DocumentException>(() => PdfInspector.Inspect(bomb, new ExtractionOptions { MaxUnpackedBytes = 8L << 20 }));

        Assert.Equal(DocumentErrorKind.TooLarge, error.Kind);
        Assert.Contains("unpacks to more than 8388608 bytes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[/ASCIIHexDecode /FlateDecode]", "ASCIIHexDecode FlateDecode")]
    [InlineData("/LZWDecode", "LZWDecode")]
    [InlineData("[/AHx /LZW]", "ASCIIHexDecode LZWDecode")]
    [InlineData("/RunLengthDecode", "RunLengthDecode")]
    [InlineData("/Flat#65Decode", "FlateDecode")]
    [InlineData("5 0 R", "FlateDecode", "/FlateDecode")] // PdfPig reads a filter stored as an object of its own
    [InlineData("5 0 R", "ASCIIHexDecode FlateDecode", "[/AHx /Fl]")]
    public void A_decompression_bomb_behind_any_filter_pdfpig_decodes_is_refused_by_the_bytes_it_unpacks_to(string filter, string encodings, string? filterObject = null)
    {
        byte[] bomb = DocumentFactory.PdfBomb(16L << 20, filter, encodings, filterObject);
        Assert.True(bomb.Length < 512 << 10, $"the PDF weighs {bomb.Length} bytes");

        var error = Assert.Throws<DocumentException>(() => PdfInspector.Inspect(bomb, new ExtractionOptions { MaxUnpackedBytes = 8L << 20 }));

        Assert.Equal(DocumentErrorKind.TooLarge, error.Kind);
        Assert.Contains("unpacks to more than 8388608 bytes", error.Message, StringComparison.Ordinal);
        PdfInspector.Inspect(DocumentFactory.PdfBomb(1L << 20, filter, encodings, filterObject), new ExtractionOptions { MaxUnpackedBytes = 8L << 20 });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // its /Length an object of its own, as most writers have it
    public async Task A_bomb_whose_data_holds_the_word_endstream_is_read_to_its_length(bool indirect)
    {
        // Data can hold the bytes "endstream": readers take a stream's /Length when "endstream" follows it, and so
        // PdfPig unpacked all of this while the inspector stopped at the first "endstream" and counted nothing.
        byte[] bomb = PdfWithEndstreamInData(new byte[16 << 20], indirect);
        byte[] text = PdfWithEndstreamInData("BT /F1 12 Tf 10 10 Td (After the word) Tj ET"u8.ToArray(), indirect);
        var blocks = new List<TextBlock>();
        await foreach (var block in new DocumentExtractor().ExtractAsync(_ => Task.FromResult<Stream>(new MemoryStream(text)), FileFormat.Pdf))
        {
            blocks.Add(block);
        }

        Assert.Contains("After the word", string.Concat(blocks.Select(b => b.Text)), StringComparison.Ordinal); // PdfPig reads past it

        var error = Assert.Throws<DocumentException>(() => PdfInspector.Inspect(bomb, new ExtractionOptions { MaxUnpackedBytes = 8L << 20 }));

        Assert.Equal(DocumentErrorKind.TooLarge, error.Kind);
    }

    // A one-page PDF whose content is "% endstream" (a comment, stored as it is in the Flate data) and then `content`.
    private static byte[] PdfWithEndstreamInData(byte[] content, bool indirectLength)
    {
        byte[] data = PdfEncodings.FlateStoring("% endstream\n"u8.ToArray(), content);
        string length = data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        byte[] head = System.Text.Encoding.ASCII.GetBytes($"<< /Filter /FlateDecode /Length {(indirectLength ? "5 0 R" : length)} >>\nstream\n");
        return DocumentFactory.RawPdf(
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> /Contents 4 0 R >>",
            (byte[])[.. head, .. data, .. "\nendstream"u8],
            .. indirectLength ? new object?[] { length } : [],
        ]);
    }

    // PdfPig finds objects by the cross-reference table and reads them with a tokenizer: comments, strings and
    // indirect arrays that a pattern scan misreads hid a page of 3 million letters (1.32 GB) from the inspector.
    [Theory]
    [InlineData("a comment inside each object's header")]
    [InlineData("a comment inside the stream's /Filter")]
    [InlineData("a comment saying stream in the page")]
    [InlineData("a string saying endobj in the page")]
    [InlineData("a name saying stream in the page")]
    [InlineData("the page's contents an indirect array")]
    [InlineData("the content's dictionary saying /Length1, as a font's does")]
    [InlineData("the content's dictionary saying /Subtype /Image")]
    [InlineData("the page in an object stream that does not say /Type /ObjStm")]
    public async Task A_page_of_too_many_letters_is_weighed_however_its_objects_are_written(string writing)
    {
        var options = new ExtractionOptions { MaxElements = 1_000 };
        var blocks = new List<TextBlock>();
        await foreach (var block in new DocumentExtractor(options).ExtractAsync(_ => Task.FromResult<Stream>(new MemoryStream(PdfWritten(writing, 300))), FileFormat.Pdf))
        {
            blocks.Add(block);
        }

        Assert.Contains("xxxxxxxxxx", string.Concat(blocks.Select(b => b.Text)), StringComparison.Ordinal); // PdfPig reads it so

        var error = Assert.Throws<DocumentException>(() => PdfInspector.Inspect(PdfWritten(writing, 3_000), options));

        Assert.Equal(DocumentErrorKind.TooLarge, error.Kind);
        Assert.Contains("more than 1000 letters", error.Message, StringComparison.Ordinal);
    }

    // A one-page PDF showing `letters` letters, written in one of the ways the theory above names.
    private static byte[] PdfWritten(string writing, int letters)
    {
        byte[] content = PdfEncodings.Flate(System.Text.Encoding.ASCII.GetBytes($"BT /F1 12 Tf 10 10 Td [({new string('x', letters)})] TJ ET"));
        string filter = writing.Contains("/Filter", StringComparison.Ordinal) ? "/Filter %no comment\n/FlateDecode"
            : writing.Contains("/Length1", StringComparison.Ordinal) ? "/Filter /FlateDecode /Length1 5"
            : writing.Contains("/Image", StringComparison.Ordinal) ? "/Filter /FlateDecode /Subtype /Image"
            : "/Filter /FlateDecode";
        string extra = writing.Contains("comment saying stream", StringComparison.Ordinal) ? "%stream\n"
            : writing.Contains("name saying stream", StringComparison.Ordinal) ? "/PieceInfo << /J << /Private /stream >> >>"
            : writing.Contains("saying endobj", StringComparison.Ordinal) ? "/PieceInfo << /J << /Private (endobj) >> >>"
            : string.Empty;
        bool array = writing.Contains("indirect array", StringComparison.Ordinal);
        const string Page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>";
        if (writing.Contains("object stream", StringComparison.Ordinal))
        {
            byte[] objects = System.Text.Encoding.ASCII.GetBytes("3 0 " + Page);
            return DocumentFactory.RawPdf(
                [
                    "<< /Type /Catalog /Pages 2 0 R >>",
                    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    null,
                    DocumentFactory.PdfStream(filter, content),
                    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
                    DocumentFactory.PdfStream("/N 1 /First 4 /Filter /FlateDecode", PdfEncodings.Flate(objects)),
                ],
                compressed: [(3, 6, 0)]);
        }

        return DocumentFactory.RawPdf(
            [
                "<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                $"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] {extra} /Resources << /Font << /F1 5 0 R >> >> /Contents {(array ? 6 : 4)} 0 R >>",
                DocumentFactory.PdfStream(filter, content),
                "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
                .. array ? new object?[] { "[4 0 R]" } : [],
            ],
            headerSpace: writing.Contains("header", StringComparison.Ordinal) ? "\n%c\n" : " ");
    }

    // PdfPig holds every operation of a page at once, about 240 bytes for "0 0 m": a 61 KB file whose one page drew
    // 7 million of them took 1.87 GB, under every other limit. Operators count with letters against the limit.
    [Theory]
    [InlineData("0 0 m ", false)]
    [InlineData("0 0 Td()Tj ", true)] // a string straight after an operator, and one straight before
    public async Task A_page_of_too_many_operators_is_refused_before_it_is_read(string operation, bool inText)
    {
        var options = new ExtractionOptions { MaxElements = 1_000 };
        string Content(string operations) => "BT /F1 12 Tf 10 10 Td (Drawn) Tj " + (inText ? operations + "ET" : "ET " + operations);
        byte[] Page(int operations) => DocumentFactory.RawPdf(
            [
                "<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> /Contents 4 0 R >>",
                DocumentFactory.PdfStream("/Filter /FlateDecode", PdfEncodings.Flate(System.Text.Encoding.ASCII.GetBytes(Content(string.Concat(Enumerable.Repeat(operation, operations)))))),
            ]);
        var blocks = new List<TextBlock>();
        await foreach (var block in new DocumentExtractor(options).ExtractAsync(_ => Task.FromResult<Stream>(new MemoryStream(Page(300))), FileFormat.Pdf))
        {
            blocks.Add(block);
        }

        Assert.Contains("Drawn", string.Concat(blocks.Select(b => b.Text)), StringComparison.Ordinal);

        var error = Assert.Throws<DocumentException>(() => PdfInspector.Inspect(Page(3_000), options));

        Assert.Equal(DocumentErrorKind.TooLarge, error.Kind);
        Assert.Contains("more than 1000 letters and operators", error.Message, StringComparison.Ordinal);
    }

    // An object written inside another stream's data is skipped with that data, but a reader that follows the
    // cross-reference table reaches it: here the page's content, 3,000 letters (limit 1,000).
    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the table a cross-reference stream (PDF 1.5)
    public async Task An_object_inside_another_streams_data_is_inspected_when_the_table_points_to_it(bool crossReferenceStream)
    {
        var options = new ExtractionOptions { MaxElements = 1_000 };
        var blocks = new List<TextBlock>();
        await foreach (var block in new DocumentExtractor(options).ExtractAsync(_ => Task.FromResult<Stream>(new MemoryStream(PdfWithObjectInsideData(300, crossReferenceStream))), FileFormat.Pdf))
        {
            blocks.Add(block);
        }

        Assert.Contains("xxxxxxxxxx", string.Concat(blocks.Select(b => b.Text)), StringComparison.Ordinal); // PdfPig reads it

        var error = Assert.Throws<DocumentException>(() => PdfInspector.Inspect(PdfWithObjectInsideData(3_000, crossReferenceStream), options));

        Assert.Equal(DocumentErrorKind.TooLarge, error.Kind);
    }

    // A one-page PDF whose content, object 4, is written inside the data of object 5, an unfiltered stream that holds
    // nothing else; the cross-reference table (or stream) points into it.
    private static byte[] PdfWithObjectInsideData(int letters, bool crossReferenceStream)
    {
        byte[] content = PdfEncodings.Flate(System.Text.Encoding.ASCII.GetBytes($"BT /F1 12 Tf 10 10 Td ({new string('x', letters)}) Tj ET"));
        byte[] inner = [.. "4 0 obj\n"u8, .. DocumentFactory.PdfStream("/Filter /FlateDecode", content), .. "\nendobj\n"u8];
        var objects = new List<byte[]>
        {
            "<< /Type /Catalog /Pages 2 0 R >>"u8.ToArray(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"u8.ToArray(),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> /Contents 4 0 R >>"u8.ToArray(),
        };
        using var pdf = new MemoryStream();
        pdf.Write("%PDF-1.5\n"u8);
        var offsets = new long[6];
        for (int i = 0; i < objects.Count; i++)
        {
            offsets[i + 1] = pdf.Position;
            pdf.Write(System.Text.Encoding.ASCII.GetBytes($"{i + 1} 0 obj\n"));
            pdf.Write(objects[i]);
            pdf.Write("\nendobj\n"u8);
        }

        offsets[5] = pdf.Position;
        byte[] head = System.Text.Encoding.ASCII.GetBytes($"5 0 obj\n<< /Length {inner.Length} >>\nstream\n");
        offsets[4] = pdf.Position + head.Length;
        pdf.Write(head);
        pdf.Write(inner);
        pdf.Write("\nendstream\nendobj\n"u8);
        long xref = pdf.Position;
        if (crossReferenceStream)
        {
            // Object 6: rows of (type 1, offset in 4 bytes, generation in 2), object 0 free.
            var rows = new List<byte> { 0, 0, 0, 0, 0, 0xFF, 0xFF };
            foreach (long offset in offsets.Skip(1).Append(xref))
            {
                rows.AddRange([1, (byte)(offset >> 24), (byte)(offset >> 16), (byte)(offset >> 8), (byte)offset, 0, 0]);
            }

            pdf.Write("6 0 obj\n"u8);
            pdf.Write(DocumentFactory.PdfStream("/Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R", [.. rows]));
            pdf.Write(System.Text.Encoding.ASCII.GetBytes($"\nendobj\nstartxref\n{xref}\n%%EOF\n"));
            return pdf.ToArray();
        }

        pdf.Write("xref\n0 6\n0000000000 65535 f \n"u8);
        for (int i = 1; i < 6; i++)
        {
            pdf.Write(System.Text.Encoding.ASCII.GetBytes($"{offsets[i]:D10} 00000 n \n"));
        }

        pdf.Write(System.Text.Encoding.ASCII.GetBytes($"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"));
        return pdf.ToArray();
    }

    // A reader follows the cross-reference table to one version of an object; a later version the table does not
    // point to must not stand in for it. PdfPig reads the listed page here, whatever the unlisted one says.
    [Fact]
    public async Task Every_version_of_a_page_is_weighed_not_only_the_last_in_the_file()
    {
        var options = new ExtractionOptions { MaxElements = 1_000 };
        var blocks = new List<TextBlock>();
        await foreach (var block in new DocumentExtractor(options).ExtractAsync(_ => Task.FromResult<Stream>(new MemoryStream(PdfWithUnlistedPage(300))), FileFormat.Pdf))
        {
            blocks.Add(block);
        }

        string text = string.Concat(blocks.Select(b => b.Text));
        Assert.Contains("xxxxxxxxxx", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Decoy", text, StringComparison.Ordinal);

        var error = Assert.Throws<DocumentException>(() => PdfInspector.Inspect(PdfWithUnlistedPage(3_000), options));

        Assert.Equal(DocumentErrorKind.TooLarge, error.Kind);
    }

    [Fact]
    public void A_cycle_through_an_unlisted_version_of_an_object_is_refused()
    {
        // The listed object 4 is only a reference to 5, which refers back; an unlisted later version of 4 is a
        // dictionary. Reading by the table never ends (PdfPig recursed until the stack overflowed).
        byte[] pdf = DocumentFactory.RawPdf(
            [
                "<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
                "5 0 R",
                "4 0 R",
            ],
            unlisted: "4 0 obj\n<< /Length 0 >>\nendobj\n");

        var error = Assert.Throws<DocumentException>(() => PdfInspector.Inspect(pdf, new ExtractionOptions()));

        Assert.Equal(DocumentErrorKind.Corrupt, error.Kind);
    }

    [Fact]
    public void A_form_drawing_itself_in_one_version_is_refused_whatever_another_version_draws()
    {
        byte[] pdf = DocumentFactory.RawPdf(
            [
                "<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /XObject << /Fm 4 0 R >> >> /Contents 5 0 R >>",
                DocumentFactory.PdfStream("/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources << /XObject << /Fm 4 0 R >> >>", "/Fm Do"u8.ToArray()),
                DocumentFactory.PdfStream(string.Empty, "/Fm Do"u8.ToArray()),
            ],
            unlisted: "4 0 obj\n" + System.Text.Encoding.Latin1.GetString(DocumentFactory.PdfStream("/Type /XObject /Subtype /Form /BBox [0 0 1 1]", "BT ET"u8.ToArray())) + "\nendobj\n");

        var error = Assert.Throws<DocumentException>(() => PdfInspector.Inspect(pdf, new ExtractionOptions()));

        Assert.Contains("draws itself", error.Message, StringComparison.Ordinal);
    }

    // A one-page PDF whose listed page shows `letters` letters, and an unlisted later version of the page shows a few.
    private static byte[] PdfWithUnlistedPage(int letters)
    {
        byte[] Content(string text) => DocumentFactory.PdfStream("/Filter /FlateDecode", PdfEncodings.Flate(System.Text.Encoding.ASCII.GetBytes($"BT /F1 12 Tf 10 10 Td ({text}) Tj ET")));
        const string Page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /Font << /F1 5 0 R >> >> /Contents {0} 0 R >>";
        return DocumentFactory.RawPdf(
            [
                "<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                string.Format(System.Globalization.CultureInfo.InvariantCulture, Page, 4),
                Content(new string('x', letters)),
                "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
                Content("Decoy"),
            ],
            unlisted: "3 0 obj\n" + string.Format(System.Globalization.CultureInfo.InvariantCulture, Page, 6) + "\nendobj\n");
    }

    [Fact]
    public void Content_is_weighed_as_it_unpacks_and_never_held_whole()
    {
        // A 64 KB file whose 250 MB of content stayed under the unpack limit cost 770 MB here before PdfPig read it.
        byte[] pdf = DocumentFactory.PdfBomb(64L << 20);
        long before = GC.GetAllocatedBytesForCurrentThread();

        PdfInspector.Inspect(pdf, new ExtractionOptions { MaxUnpackedBytes = 128L << 20 });

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 16L << 20, $"inspecting 64 MB of content allocated {allocated >> 20} MB");
    }

    [Fact]
    public void Flate_data_asking_for_a_preset_dictionary_is_left_to_pdfpig()
    {
        // zlib answers a header that names a preset dictionary (as decrypting with a wrong key can make) with an
        // error .NET throws as an IOException, not InvalidDataException: it escaped as "failed" with zlib's words.
        byte[] pdf = DocumentFactory.RawPdf(
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
            DocumentFactory.PdfStream("/Filter /FlateDecode", [0x78, 0x20, 0x00, 0x00, 0x00, 0x01, 0xAA, 0xBB]),
        ]);

        PdfInspector.Inspect(pdf, new ExtractionOptions());
    }

    [Fact]
    public void Ordinary_pdfs_pass_and_a_compressed_stream_under_the_limit_passes()
    {
        PdfInspector.Inspect(DocumentFactory.Pdf(["One paragraph.", "Another one."]), new ExtractionOptions());
        PdfInspector.Inspect(DocumentFactory.PdfBomb(1L << 20), new ExtractionOptions { MaxUnpackedBytes = 8L << 20 });
    }

    [Fact]
    public async Task Through_the_extractor_a_cycle_is_a_named_failure_and_too_many_pages_are_too_large()
    {
        var extractor = new DocumentExtractor(new ExtractionOptions { MaxPdfPages = 2 });
        var cycle = await Assert.ThrowsAsync<DocumentException>(() => ExtractAsync(extractor, DocumentFactory.PdfWithReferenceCycle(2)));
        Assert.Equal(DocumentErrorKind.Corrupt, cycle.Kind);

        string[] paragraphs = [.. Enumerable.Range(0, 200).Select(i => $"Paragraph {i} fills a line of the page.")];
        var pages = await Assert.ThrowsAsync<DocumentException>(() => ExtractAsync(extractor, DocumentFactory.Pdf(paragraphs)));
        Assert.Equal(DocumentErrorKind.TooLarge, pages.Kind);
        Assert.Contains("pages, more than the limit of 2", pages.Message, StringComparison.Ordinal);
    }

    private static async Task ExtractAsync(DocumentExtractor extractor, byte[] pdf)
    {
        await foreach (var block in extractor.ExtractAsync(_ => Task.FromResult<Stream>(new MemoryStream(pdf)), FileFormat.Pdf))
        {
            _ = block;
        }
    }
}

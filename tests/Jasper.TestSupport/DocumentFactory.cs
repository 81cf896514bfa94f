using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace Jasper.TestSupport;

/// <summary>Writes real documents (PDF with a text layer, Word .docx) for tests and the samples.</summary>
public static class DocumentFactory
{
    /// <summary>A PDF with one text line per paragraph line, wrapped at <paramref name="columns"/> characters, on as many A4 pages as needed.</summary>
    public static byte[] Pdf(IEnumerable<string> paragraphs, int columns = 90)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        double y = 800;
        foreach (string paragraph in paragraphs)
        {
            foreach (string line in Wrap(paragraph, columns))
            {
                if (y < 60)
                {
                    page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
                    y = 800;
                }

                page.AddText(line, 10, new PdfPoint(50, y), font);
                y -= 14;
            }

            y -= 10;
        }

        return builder.Build();
    }

    /// <summary>A Word document: (style, text) paragraphs, where style is null, "Title" or "Heading1".."Heading9".</summary>
    public static byte[] Docx(IEnumerable<(string? Style, string Text)> paragraphs)
    {
        using var memory = new MemoryStream();
        using (var document = WordprocessingDocument.Create(memory, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var body = new Body();
            foreach (var (style, text) in paragraphs)
            {
                var paragraph = new Paragraph(new Run(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
                if (style is not null)
                {
                    paragraph.PrependChild(new ParagraphProperties(new ParagraphStyleId { Val = style }));
                }

                body.Append(paragraph);
            }

            main.Document = new Document(body);
            main.Document.Save();
        }

        return memory.ToArray();
    }

    /// <summary>
    /// A .docx package whose <c>word/document.xml</c> is <paramref name="documentXml"/>, with extra parts (name,
    /// content): for hostile documents, such as deep nesting or a part that unpacks to far more than it weighs.
    /// </summary>
    public static byte[] DocxPackage(string documentXml, params (string Name, byte[] Content)[] extraParts)
    {
        using var memory = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(memory, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string name, byte[] content)
            {
                using var entry = zip.CreateEntry(name, System.IO.Compression.CompressionLevel.SmallestSize).Open();
                entry.Write(content);
            }

            Add("[Content_Types].xml", System.Text.Encoding.UTF8.GetBytes(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">" +
                "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>" +
                "<Default Extension=\"xml\" ContentType=\"application/xml\"/>" +
                "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>"));
            Add("_rels/.rels", System.Text.Encoding.UTF8.GetBytes(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" +
                "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>"));
            Add("word/document.xml", System.Text.Encoding.UTF8.GetBytes(documentXml));
            foreach (var (name, content) in extraParts)
            {
                Add(name, content);
            }
        }

        return memory.ToArray();
    }

    /// <summary>
    /// A one-page PDF whose trailer names a standard security handler (RC4, revision 2) with owner and user keys no
    /// empty password opens: what a password-protected PDF looks like to a reader without the password.
    /// </summary>
    public static byte[] EncryptedPdf() => RawPdf(
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
            "<< /Filter /Standard /V 1 /R 2 /O <" + new string('a', 64) + "> /U <" + new string('b', 64) + "> /P -4 >>",
        ],
        "/Encrypt 4 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>]");

    /// <summary>
    /// A one-page PDF whose catalog has an array where a key belongs: PdfPig's error quotes the array, and so
    /// <paramref name="quoted"/> (written as a PDF string, byte for byte in Latin-1).
    /// </summary>
    public static byte[] PdfWithQuotingError(string quoted) => RawPdf(
        [
            "<< /Type /Catalog /Pages 2 0 R [ (" + quoted + ") ] 5 >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        ]);

    /// <summary>The text <see cref="PdfWithQuotingError"/> quotes in tests: terminal escapes (clear the screen, red), a bell, a NUL, and 100,000 more characters.</summary>
    public static string HostileQuote => "\u001b[2J\u001b[31mowned\u0007\u0000" + new string('A', 100_000);

    /// <summary>
    /// A one-page PDF whose page content is object 4, and object 4 is only a reference to object 5, which refers back
    /// to 4 (<paramref name="cycle"/> 2), or to itself (1): resolving it never ends, and PdfPig recursed until the
    /// stack overflowed.
    /// </summary>
    public static byte[] PdfWithReferenceCycle(int cycle = 1) => RawPdf(
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
            cycle == 1 ? "4 0 R" : "5 0 R",
            "4 0 R",
        ]);

    /// <summary>
    /// As <see cref="PdfWithReferenceCycle"/> with the two references inside a compressed object stream (PDF 1.5),
    /// compressed with FlateDecode or the given <paramref name="filter"/> and <paramref name="encodings"/>, and
    /// encrypted when <paramref name="encryption"/> is given.
    /// </summary>
    public static byte[] PdfWithCompressedReferenceCycle(string filter = "/FlateDecode", string encodings = "FlateDecode", PdfEncryption? encryption = null)
    {
        byte[] objects = PdfEncodings.Encode(System.Text.Encoding.ASCII.GetBytes("4 0 5 6 5 0 R 4 0 R"), encodings.Split(' '));
        return Encrypted(
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
            null,
            null,
            PdfStream("/Type /ObjStm /N 2 /First 8 /Filter " + filter, encryption?.Encrypt(objects, 6) ?? objects),
        ],
        encryption,
        compressed: [(4, 6, 0), (5, 6, 1)]);
    }

    /// <summary>
    /// A one-page PDF whose page shows <paramref name="glyphs"/> letters in <c>TJ</c> strings and draws form 6
    /// <paramref name="draws"/> times, the form showing <paramref name="formGlyphs"/> letters: what the page draws
    /// is glyphs + draws × formGlyphs, however few bytes the file has. <paramref name="split"/> puts the page's
    /// letters in two content streams (objects 4 and 7, an array of contents) instead of one; <paramref name="inherit"/>
    /// gives the resources to the page tree's root, from which the page inherits them. The page's and the form's
    /// content are written with <paramref name="filter"/> as their <c>/Filter</c>, encoded for
    /// <paramref name="encodings"/> (full names in decoding order, space-separated), and encrypted when
    /// <paramref name="encryption"/> is given.
    /// </summary>
    public static byte[] PdfShowing(int glyphs, int formGlyphs = 0, int draws = 0, bool split = false, bool inherit = false, string filter = "/FlateDecode", string encodings = "FlateDecode", PdfEncryption? encryption = null)
    {
        string Show(int count) => count == 0 ? string.Empty : $"BT /F1 12 Tf 10 10 Td [({new string('x', count)})] TJ ET ";
        byte[] Encode(string content, int number)
        {
            byte[] encoded = PdfEncodings.Encode(System.Text.Encoding.ASCII.GetBytes(content), encodings.Split(' '));
            return encryption?.Encrypt(encoded, number) ?? encoded;
        }

        byte[] Content(string content, int number) => PdfStream("/Filter " + filter, Encode(content, number));
        string resources = "<< /Font << /F1 5 0 R >> /XObject << /Fm 6 0 R >> >>";
        int first = split ? glyphs / 2 : glyphs;
        var objects = new List<object?>
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            $"<< /Type /Pages /Kids [3 0 R] /Count 1 {(inherit ? "/Resources " + resources : string.Empty)} >>",
            $"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] {(inherit ? string.Empty : "/Resources " + resources)} /Contents {(split ? "[4 0 R 7 0 R]" : "4 0 R")} >>",
            Content(Show(first) + string.Concat(Enumerable.Repeat("/Fm Do ", draws)), 4),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            PdfStream("/Type /XObject /Subtype /Form /BBox [0 0 200 200] /Resources << /Font << /F1 5 0 R >> >> /Filter " + filter, Encode(Show(formGlyphs), 6)),
        };
        if (split)
        {
            objects.Add(Content(Show(glyphs - first), 7));
        }

        return Encrypted(objects, encryption);
    }

    // The objects as a PDF file, with the encryption dictionary as a last object when encrypted.
    private static byte[] Encrypted(List<object?> objects, PdfEncryption? encryption, IReadOnlyList<(int Object, int Stream, int Index)>? compressed = null)
    {
        if (encryption is null)
        {
            return RawPdf(objects, compressed: compressed);
        }

        objects.Add(encryption.Dictionary);
        return RawPdf(objects, PdfEncryption.Trailer(objects.Count), compressed);
    }

    /// <summary>
    /// A one-page PDF whose page draws form 4, and forms 4 .. 4 + <paramref name="forms"/> - 1 each draw the next
    /// (<paramref name="closeCycle"/>: the last draws the first again). Every form and the page share one resource
    /// dictionary (object 3 + forms + 1), as generated PDFs often do: sharing alone is no cycle.
    /// </summary>
    public static byte[] PdfWithForms(int forms, bool closeCycle) => PdfOfForms(
        forms,
        i => i + 1 < forms ? $"/X{i + 1} Do" : closeCycle ? "/X0 Do" : "BT ET",
        "BT /F1 12 Tf 20 100 Td (Drawn) Tj ET /X0 Do");

    /// <summary>
    /// A one-page PDF that draws <paramref name="forms"/> forms side by side, each once, each showing one letter; the
    /// page and every form share one resource dictionary binding all of them, as generated PDFs often do. The forms'
    /// content is written with <paramref name="formFilter"/> as its <c>/Filter</c> when given (not encoded for it).
    /// </summary>
    public static byte[] PdfWithSharedForms(int forms, string? formFilter = null) => PdfOfForms(
        forms,
        _ => "BT /F1 12 Tf 20 100 Td (x) Tj ET",
        string.Concat(Enumerable.Range(0, forms).Select(i => $"/X{i} Do ")),
        formFilter is null ? string.Empty : " /Filter " + formFilter);

    // One page, forms 4 .. 4 + forms - 1 with the given content each (form i's), and one resource dictionary (object
    // 4 + forms) binding /X0 .. to them that the page and every form share; the page's content is the last object.
    private static byte[] PdfOfForms(int forms, Func<int, string> formContent, string pageContent, string formEntries = "")
    {
        int resources = 4 + forms;
        var objects = new List<object?>
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            $"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents {resources + 1} 0 R /Resources {resources} 0 R >>",
        };
        for (int i = 0; i < forms; i++)
        {
            objects.Add(PdfStream($"/Type /XObject /Subtype /Form /BBox [0 0 200 200] /Resources {resources} 0 R{formEntries}", System.Text.Encoding.ASCII.GetBytes(formContent(i))));
        }

        string bindings = string.Concat(Enumerable.Range(0, forms).Select(i => $"/X{i} {4 + i} 0 R "));
        objects.Add($"<< /XObject << {bindings}>> /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>");
        objects.Add(PdfStream(string.Empty, System.Text.Encoding.ASCII.GetBytes(pageContent)));
        return RawPdf(objects);
    }

    /// <summary>
    /// A one-page PDF whose content stream is <paramref name="unpackedBytes"/> spaces compressed with FlateDecode, or
    /// with the given <paramref name="filter"/> and <paramref name="encodings"/> (its full names in decoding order,
    /// space-separated): a few kilobytes of file that unpack to as much as asked. <paramref name="filterObject"/>, when
    /// given, is written as object 5, for a filter that refers to it.
    /// </summary>
    public static byte[] PdfBomb(long unpackedBytes, string filter = "/FlateDecode", string encodings = "FlateDecode", string? filterObject = null) => RawPdf(
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
            PdfStream("/Filter " + filter, PdfEncodings.Encode(Spaces(unpackedBytes), encodings.Split(' '))),
            .. filterObject is null ? Array.Empty<object?>() : [filterObject],
        ]);

    /// <summary>
    /// A PDF file of the given objects, numbered from 1 (object 1 the catalog; null for one stored in an object stream,
    /// listed in <paramref name="compressed"/> as (object, stream object, index)), with a cross-reference table, or a
    /// cross-reference stream when objects are compressed; <paramref name="trailer"/> adds entries to the trailer, and
    /// <paramref name="headerSpace"/> is what separates the parts of each object's header ("1 0 obj"), and
    /// <paramref name="unlisted"/> is written after the objects, where the cross-reference table points nowhere (other
    /// versions of objects that no reader following the table reads).
    /// </summary>
    public static byte[] RawPdf(IReadOnlyList<object?> objects, string trailer = "", IReadOnlyList<(int Object, int Stream, int Index)>? compressed = null, string headerSpace = " ", string unlisted = "")
    {
        using var pdf = new MemoryStream();
        void Write(string text) => pdf.Write(System.Text.Encoding.Latin1.GetBytes(text));
        Write("%PDF-1.5\n");
        var offsets = new long[objects.Count + 1];
        for (int i = 0; i < objects.Count; i++)
        {
            if (objects[i] is null)
            {
                continue;
            }

            offsets[i + 1] = pdf.Position;
            Write($"{i + 1}{headerSpace}0{headerSpace}obj\n");
            pdf.Write(objects[i] as byte[] ?? System.Text.Encoding.Latin1.GetBytes((string)objects[i]!));
            Write("\nendobj\n");
        }

        Write(unlisted);
        long xref = pdf.Position;
        int size = objects.Count + 1;
        if (compressed is null)
        {
            Write($"xref\n0 {size}\n0000000000 65535 f \n");
            for (int i = 1; i < size; i++)
            {
                Write($"{offsets[i]:D10} 00000 n \n");
            }

            Write($"trailer\n<< /Size {size} /Root 1 0 R {trailer} >>\nstartxref\n{xref}\n%%EOF\n");
            return pdf.ToArray();
        }

        // A cross-reference stream (object `size`): type 1 entries at offsets, type 2 entries in an object stream.
        var rows = new List<byte>();
        for (int i = 0; i <= size; i++)
        {
            var entry = compressed.FirstOrDefault(c => c.Object == i);
            (int type, long field2, int field3) = i == 0 ? (0, 0L, 65535) : entry.Object == i ? (2, entry.Stream, entry.Index) : i == size ? (1, xref, 0) : (1, offsets[i], 0);
            rows.Add((byte)type);
            rows.AddRange([(byte)(field2 >> 24), (byte)(field2 >> 16), (byte)(field2 >> 8), (byte)field2]);
            rows.AddRange([(byte)(field3 >> 8), (byte)field3]);
        }

        Write($"{size} 0 obj\n");
        pdf.Write(PdfStream($"/Type /XRef /Size {size + 1} /W [1 4 2] /Root 1 0 R {trailer}", [.. rows]));
        Write($"\nendobj\nstartxref\n{xref}\n%%EOF\n");
        return pdf.ToArray();
    }

    /// <summary>A stream object's bytes: <paramref name="dictionary"/> entries and the data, with its /Length.</summary>
    public static byte[] PdfStream(string dictionary, byte[] data)
    {
        byte[] head = System.Text.Encoding.Latin1.GetBytes($"<< {dictionary} /Length {data.Length} >>\nstream\n");
        byte[] tail = System.Text.Encoding.Latin1.GetBytes("\nendstream");
        return [.. head, .. data, .. tail];
    }

    private static byte[] Spaces(long count)
    {
        var bytes = new byte[count];
        Array.Fill(bytes, (byte)' ');
        return bytes;
    }

    /// <summary>The body of a <c>word/document.xml</c> holding <paramref name="inner"/>.</summary>
    public static string WordDocumentXml(string inner) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>" + inner + "</w:body></w:document>";

    private static IEnumerable<string> Wrap(string text, int columns)
    {
        var line = new System.Text.StringBuilder();
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > columns)
            {
                yield return line.ToString();
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : string.Empty).Append(word);
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }
}

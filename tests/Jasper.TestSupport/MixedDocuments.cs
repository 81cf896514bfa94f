using System.IO.Compression;
using System.Text;

namespace Jasper.TestSupport;

/// <summary>A folder of good documents in every format mixed with bad ones, and the failure each bad one must report.</summary>
public static class MixedDocuments
{
    /// <summary>Good documents by file name, with a phrase their extracted text must contain.</summary>
    public static IReadOnlyDictionary<string, string> Good { get; } = new Dictionary<string, string>
    {
        ["notes.txt"] = "plain text notes",
        ["utf16.txt"] = "UTF-16 text with a BOM",
        ["guide.md"] = "Markdown guide",
        ["page.html"] = "visible paragraph",
        ["report.pdf"] = "PDF report body",
        ["letter.docx"] = "Word letter body",
        ["pdf-named-as.txt"] = "PDF detected by content",
    };

    /// <summary>Bad documents by file name, with the error kind they must report.</summary>
    public static IReadOnlyDictionary<string, string> Bad { get; } = new Dictionary<string, string>
    {
        ["empty.txt"] = "empty",
        ["blank.md"] = "empty",
        ["image.png"] = "unsupported",
        ["random.bin"] = "unsupported",
        ["archive.zip"] = "unsupported",
        ["truncated.pdf"] = "corrupt",
        ["corrupt.docx"] = "corrupt",
        ["latin1.txt"] = "encoding",
        ["scanned.pdf"] = "empty",
        ["cycle.pdf"] = "corrupt",
        ["forms.pdf"] = "corrupt",
        ["deep.docx"] = "too-deep",
    };

    /// <summary>Writes the folder and returns its path.</summary>
    public static string Write(string directory)
    {
        Directory.CreateDirectory(directory);
        void Text(string name, string text, Encoding encoding) => File.WriteAllText(Path.Combine(directory, name), text, encoding);
        void Bytes(string name, byte[] bytes) => File.WriteAllBytes(Path.Combine(directory, name), bytes);

        Text("notes.txt", "These are plain text notes.\n\nA second paragraph follows the first one.\n", new UTF8Encoding(false));
        Text("utf16.txt", "UTF-16 text with a BOM: 向量检索。\n", Encoding.Unicode);
        Text("guide.md", "# Markdown guide\n\nSome **bold** text and a [link](https://example.com).\n\n```\ncode block\n```\n", new UTF8Encoding(false));
        Text("page.html", "<html><head><style>p{}</style><script>hidden()</script></head><body><h1>Title</h1><p>A visible paragraph.</p></body></html>", new UTF8Encoding(false));
        byte[] pdf = DocumentFactory.Pdf(["PDF report body with enough words to make a line."]);
        Bytes("report.pdf", pdf);
        Bytes("pdf-named-as.txt", DocumentFactory.Pdf(["PDF detected by content, whatever its name says."]));
        Bytes("letter.docx", DocumentFactory.Docx([("Heading1", "Letter"), (null, "Word letter body, second paragraph.")]));

        Bytes("empty.txt", []);
        Text("blank.md", "\n\n   \n", new UTF8Encoding(false));
        Bytes("image.png", [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]);
        Bytes("random.bin", Enumerable.Range(0, 4096).Select(i => (byte)(i * 31 % 256)).ToArray());
        Bytes("archive.zip", Zip(("readme.txt", "not a word document")));
        Bytes("truncated.pdf", pdf[..(pdf.Length / 2)]);
        Bytes("corrupt.docx", [.. "PK\u0003\u0004"u8, .. Enumerable.Repeat((byte)0x42, 300)]);
        Bytes("latin1.txt", Encoding.Latin1.GetBytes("caf\u00e9 cr\u00e8me br\u00fbl\u00e9e, not UTF-8"));
        Bytes("scanned.pdf", DocumentFactory.Pdf([]));

        // Hostile documents that ended the process (a stack overflow) before they were refused up front.
        Bytes("cycle.pdf", DocumentFactory.PdfWithReferenceCycle(2));
        Bytes("forms.pdf", DocumentFactory.PdfWithForms(2, closeCycle: true));
        string nested = string.Concat(Enumerable.Repeat("<w:sdt>", 100_000)) + string.Concat(Enumerable.Repeat("</w:sdt>", 100_000));
        Bytes("deep.docx", DocumentFactory.DocxPackage(DocumentFactory.WordDocumentXml("<w:p>" + nested + "</w:p>")));
        return directory;
    }

    private static byte[] Zip(params (string Name, string Content)[] entries)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create))
        {
            foreach (var (name, content) in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(content);
            }
        }

        return memory.ToArray();
    }
}

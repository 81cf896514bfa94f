using System.IO.Compression;
using System.Text;

namespace Jasper.Ingestion.Extraction;

/// <summary>
/// Decides a document's format from its first bytes, then its extension: content wins, so a PDF named .txt is
/// read as a PDF and an image named .pdf is refused as binary.
/// </summary>
internal static class FormatDetector
{
    /// <summary>How many leading bytes are inspected.</summary>
    public const int SniffLength = 8192;

    private static readonly (byte[] Magic, string Name)[] BinarySignatures =
    [
        ([0x89, (byte)'P', (byte)'N', (byte)'G'], "PNG image"),
        ([0xFF, 0xD8, 0xFF], "JPEG image"),
        ([(byte)'G', (byte)'I', (byte)'F', (byte)'8'], "GIF image"),
        ([0x7F, (byte)'E', (byte)'L', (byte)'F'], "ELF executable"),
        ([(byte)'M', (byte)'Z'], "Windows executable"),
        ([0x1F, 0x8B], "gzip archive"),
        ([(byte)'R', (byte)'I', (byte)'F', (byte)'F'], "RIFF media"),
        ([0xD0, 0xCF, 0x11, 0xE0], "legacy Office document (.doc/.xls); save it as .docx"),
    ];

    /// <summary>The format of a document whose leading bytes are <paramref name="head"/>.</summary>
    /// <param name="head">Up to <see cref="SniffLength"/> leading bytes.</param>
    /// <param name="fileName">Name or path, for its extension.</param>
    /// <param name="openZip">Opens the whole document when it is a ZIP archive (to tell .docx from other ZIPs).</param>
    public static FileFormat Detect(ReadOnlySpan<byte> head, string? fileName, Func<Stream>? openZip = null)
    {
        if (head.IsEmpty)
        {
            throw new DocumentException(DocumentErrorKind.Empty, "the document is empty (0 bytes)");
        }

        if (head.StartsWith("%PDF-"u8))
        {
            return FileFormat.Pdf;
        }

        if (head.StartsWith("PK\u0003\u0004"u8))
        {
            return IsDocx(openZip)
                ? FileFormat.Docx
                : throw new DocumentException(DocumentErrorKind.Unsupported, "a ZIP archive that is not a Word (.docx) document");
        }

        foreach (var (magic, name) in BinarySignatures)
        {
            if (head.StartsWith(magic))
            {
                throw new DocumentException(DocumentErrorKind.Unsupported, $"binary content ({name})");
            }
        }

        bool hasBom = head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) || head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]);
        if (!hasBom && head.Contains((byte)0))
        {
            throw new DocumentException(DocumentErrorKind.Unsupported, "binary content (NUL bytes); text must be UTF-8, or UTF-16 with a byte order mark");
        }

        return TextFormat(head, Path.GetExtension(fileName ?? string.Empty).ToLowerInvariant());
    }

    private static FileFormat TextFormat(ReadOnlySpan<byte> head, string extension)
    {
        switch (extension)
        {
            case ".md" or ".markdown":
                return FileFormat.Markdown;
            case ".html" or ".htm" or ".xhtml":
                return FileFormat.Html;
        }

        string start = Encoding.UTF8.GetString(head[..Math.Min(head.Length, 512)]).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        bool looksLikeHtml = start.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase)
            || start.StartsWith("<html", StringComparison.OrdinalIgnoreCase);
        if (looksLikeHtml)
        {
            return FileFormat.Html;
        }

        return extension is ".pdf" or ".docx"
            ? throw new DocumentException(DocumentErrorKind.Corrupt, $"named {extension} but its content is plain text, not that format")
            : FileFormat.PlainText;
    }

    private static bool IsDocx(Func<Stream>? openZip)
    {
        if (openZip is null)
        {
            return false;
        }

        try
        {
            using var stream = openZip();
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
            return zip.GetEntry("word/document.xml") is not null;
        }
        catch (InvalidDataException ex)
        {
            throw new DocumentException(DocumentErrorKind.Corrupt, $"a damaged ZIP/.docx archive ({ex.Message})", ex);
        }
    }
}

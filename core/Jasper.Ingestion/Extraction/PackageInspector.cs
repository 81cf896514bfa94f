using System.IO.Compression;
using System.Xml;

namespace Jasper.Ingestion.Extraction;

/// <summary>
/// Checks a ZIP-packaged document (Word) before a parser opens it: every part is unpacked as a stream, counting bytes
/// against <see cref="ExtractionOptions.MaxUnpackedBytes"/>, and every XML part is read with a streaming
/// <see cref="XmlReader"/> (no DTDs, no external resources) that watches its depth against
/// <see cref="ExtractionOptions.MaxNestingDepth"/> and counts its elements, all parts together, against
/// <see cref="ExtractionOptions.MaxElements"/> (the parser's tree holds them all at once). Work and memory are bounded
/// by the limits, whatever the package claims, and nothing here recurses.
/// </summary>
internal static class PackageInspector
{
    /// <summary>Throws a <see cref="DocumentException"/> (too-large, too-deep or corrupt) for a package past the limits.</summary>
    public static void Inspect(Stream package, ExtractionOptions options, string format)
    {
        long start = package.Position;
        long remaining = options.MaxUnpackedBytes;
        int elements = 0;
        try
        {
            using var zip = new ZipArchive(package, ZipArchiveMode.Read, leaveOpen: true);
            foreach (var entry in zip.Entries)
            {
                using var part = new BoundedStream(entry.Open(), remaining, () => new DocumentException(
                    DocumentErrorKind.TooLarge, $"the {format} unpacks to more than {options.MaxUnpackedBytes} bytes (at part {entry.FullName})"));
                if (entry.FullName.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) || entry.FullName.EndsWith(".rels", StringComparison.OrdinalIgnoreCase))
                {
                    CheckXml(part, entry.FullName, options, format, ref elements);
                }

                part.CopyTo(Stream.Null); // binary parts (images) count too
                remaining -= part.BytesRead;
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or XmlException)
        {
            throw new DocumentException(DocumentErrorKind.Corrupt, $"the {format} cannot be read ({ex.Message})", ex);
        }

        package.Position = start;
    }

    // Reads a part through, watching its depth and adding its elements to those of the parts before it.
    private static void CheckXml(Stream part, string name, ExtractionOptions options, string format, ref int elements)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, CloseInput = false, IgnoreComments = true };
        using var reader = XmlReader.Create(part, settings);
        while (reader.Read())
        {
            if (reader.Depth > options.MaxNestingDepth)
            {
                throw new DocumentException(DocumentErrorKind.TooDeep, $"the {format} nests XML deeper than {options.MaxNestingDepth} levels in {name}");
            }

            if (reader.NodeType == XmlNodeType.Element && ++elements > options.MaxElements)
            {
                throw new DocumentException(DocumentErrorKind.TooLarge, $"the {format} has more than {options.MaxElements} elements (at part {name})");
            }
        }
    }
}

namespace Jasper.Ingestion.Extraction.Isolation;

/// <summary>
/// What a worker is sent before the document's bytes: the format to parse and the limits to parse it under. The
/// document follows to the end of the worker's standard input.
/// </summary>
/// <param name="Format">The format, already detected by the parent.</param>
/// <param name="Options">The limits; the worker parses in its own process, so <see cref="ExtractionOptions.Isolation"/> is not sent.</param>
internal sealed record WorkerRequest(FileFormat Format, ExtractionOptions Options)
{
    /// <summary>Writes the request (not the document) to <paramref name="stream"/>.</summary>
    public void WriteTo(Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write((int)Format);
        writer.Write(Options.MaxTextBytes);
        writer.Write(Options.MaxParsedBytes);
        writer.Write(Options.MaxUnpackedBytes);
        writer.Write(Options.MaxNestingDepth);
        writer.Write(Options.MaxElements);
        writer.Write(Options.MaxPdfPages);
    }

    /// <summary>Reads a request written by <see cref="WriteTo"/>, leaving <paramref name="stream"/> at the document.</summary>
    public static WorkerRequest ReadFrom(Stream stream)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        var format = (FileFormat)reader.ReadInt32();
        if (!Enum.IsDefined(format))
        {
            throw new InvalidDataException($"the request names no format ({(int)format})");
        }

        var options = new ExtractionOptions
        {
            MaxTextBytes = reader.ReadInt64(),
            MaxParsedBytes = reader.ReadInt64(),
            MaxUnpackedBytes = reader.ReadInt64(),
            MaxNestingDepth = reader.ReadInt32(),
            MaxElements = reader.ReadInt32(),
            MaxPdfPages = reader.ReadInt32(),
        };
        return new WorkerRequest(format, options);
    }
}

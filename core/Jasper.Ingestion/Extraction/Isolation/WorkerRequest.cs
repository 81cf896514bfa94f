namespace Jasper.Ingestion.Extraction.Isolation;

/// <summary>
/// What a worker is sent before each document: the format to parse and the limits to parse it under. The document
/// follows as a <see cref="ChunkedDocument"/>.
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

    /// <summary>
    /// Reads a request written by <see cref="WriteTo"/>, leaving <paramref name="stream"/> at the document; null when
    /// the stream ends before one (the parent has no more documents for this worker).
    /// </summary>
    public static WorkerRequest? TryReadFrom(Stream stream)
    {
        var head = new byte[sizeof(int)];
        int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (read == 0)
        {
            return null;
        }

        if (read < head.Length)
        {
            throw new EndOfStreamException("the stream ended inside a request");
        }

        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        var format = (FileFormat)System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(head);
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

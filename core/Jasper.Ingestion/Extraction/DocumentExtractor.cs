using Jasper.Ingestion.Extraction.Isolation;

namespace Jasper.Ingestion.Extraction;

/// <summary>
/// Detects a document's format from its content and name and returns its text blocks from the matching
/// extractor. Every failure is a <see cref="DocumentException"/> naming the reason.
/// </summary>
internal sealed class DocumentExtractor
{
    private readonly ExtractionOptions _options;
    private readonly Dictionary<FileFormat, IDocumentExtractor> _extractors;

    /// <summary>
    /// Creates the extractor with the standard format readers; with <see cref="ExtractionOptions.Isolation"/> on, each
    /// format that is parsed (all but plain text) is read in a worker process.
    /// </summary>
    public DocumentExtractor(ExtractionOptions? options = null)
    {
        _options = options ?? new ExtractionOptions();
        _extractors = new IDocumentExtractor[] { new PlainTextExtractor(), new MarkdownExtractor(_options), new HtmlExtractor(_options), new PdfExtractor(_options), new DocxExtractor(_options) }
            .Select(e => _options.Isolation.Enabled && e.Format != FileFormat.PlainText ? new IsolatedExtractor(e.Format, _options) : e)
            .ToDictionary(e => e.Format);
    }

    /// <summary>The reader of <paramref name="format"/> in this process: what a worker runs. Its input is bounded by the parent already.</summary>
    public IDocumentExtractor InProcess(FileFormat format) => _options.Isolation.Enabled
        ? throw new InvalidOperationException("a worker parses in its own process; its options name no worker")
        : _extractors[format];

    /// <summary>Reads the first bytes and decides the format (opening the document a second time for ZIP archives).</summary>
    public async Task<FileFormat> DetectAsync(Func<CancellationToken, Task<Stream>> open, string? name, long? length, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(open);
        var head = new byte[FormatDetector.SniffLength];
        int read;
        await using (var stream = await open(cancellationToken).ConfigureAwait(false))
        {
            read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        }

        var format = FormatDetector.Detect(head.AsSpan(0, read), name, () => Bounded(open(cancellationToken).GetAwaiter().GetResult(), FileFormat.Docx));
        if (length > LimitOf(format))
        {
            throw new DocumentException(DocumentErrorKind.TooLarge, $"{length} bytes is over the {LimitOf(format)}-byte limit for {format} documents");
        }

        return format;
    }

    /// <summary>The document's text blocks in order.</summary>
    public async IAsyncEnumerable<TextBlock> ExtractAsync(
        Func<CancellationToken, Task<Stream>> open,
        FileFormat format,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(open);
        await using var stream = Bounded(await open(cancellationToken).ConfigureAwait(false), format);
        await foreach (var block in _extractors[format].ExtractAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            yield return block;
        }
    }

    // The most bytes a document of the format may have: plain text is streamed, the other formats are parsed whole.
    private long LimitOf(FileFormat format) => format == FileFormat.PlainText ? _options.MaxTextBytes : _options.MaxParsedBytes;

    // A document's stream, read no further than its format's limit: the length given to DetectAsync may be unknown,
    // or out of date (a file or blob that grew since).
    private Stream Bounded(Stream stream, FileFormat format) => BoundedStream.Of(stream, LimitOf(format), () =>
        new DocumentException(DocumentErrorKind.TooLarge, $"over the {LimitOf(format)}-byte limit for {format} documents"));
}

namespace Jasper.Ingestion.Extraction;

/// <summary>How a PDF object's body ends (<see cref="PdfSyntax.BodyEnd"/>).</summary>
internal enum ObjectEnd
{
    /// <summary>At its <c>endobj</c>.</summary>
    EndObj,

    /// <summary>At its <c>stream</c> keyword: a stream object, its data next.</summary>
    Stream,

    /// <summary>Where the next object's header starts: it has no <c>endobj</c>.</summary>
    NextObject,
}

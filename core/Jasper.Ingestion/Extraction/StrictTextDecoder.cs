using System.Text;

namespace Jasper.Ingestion.Extraction;

/// <summary>
/// Decodes text bytes without ever inventing replacement characters: UTF-8 (BOM optional) or UTF-16 with a BOM;
/// anything else is an <see cref="DocumentErrorKind.Encoding"/> error that says where decoding failed.
/// </summary>
internal static class StrictTextDecoder
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>A reader that throws on invalid bytes and honours UTF-8/UTF-16 byte order marks.</summary>
    public static StreamReader CreateReader(Stream content) =>
        new(content, StrictUtf8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);

    /// <summary>Runs <paramref name="read"/>, turning a decoding failure into a named document error.</summary>
    public static async Task<T> GuardAsync<T>(Func<Task<T>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (DecoderFallbackException ex)
        {
            throw EncodingError(ex);
        }
    }

    /// <summary>The error for bytes that are not valid text.</summary>
    public static DocumentException EncodingError(DecoderFallbackException ex) => new(
        DocumentErrorKind.Encoding,
        $"not valid UTF-8{(ex.Index >= 0 ? $" (bad byte sequence {Convert.ToHexString(ex.BytesUnknown ?? [])})" : string.Empty)}; save it as UTF-8, or UTF-16 with a byte order mark",
        ex);
}

using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Jasper.Ingestion.Serialization;

/// <summary>One JSON object per line: the format of vector records, chunk sets and <c>jasper embed</c> output.</summary>
public static class JsonLines
{
    // Text stays readable (and CJK text compact): only what JSON itself requires is escaped. Nothing here is
    // embedded in HTML, which is what the stricter default encoder guards against.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The UTF-8 line (newline included) that <paramref name="writeObject"/> writes as one JSON value.</summary>
    public static ReadOnlyMemory<byte> Line(Action<Utf8JsonWriter> writeObject, int capacity = 256)
    {
        ArgumentNullException.ThrowIfNull(writeObject);
        var buffer = new ArrayBufferWriter<byte>(capacity);
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            writeObject(json);
        }

        buffer.Write("\n"u8);
        return buffer.WrittenMemory;
    }
}

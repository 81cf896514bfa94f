using System.Text.Json;
using Jasper.Ingestion.Serialization;

namespace Jasper.Ingestion.Chunking;

/// <summary>
/// A document's chunk set as JSON Lines (one <see cref="TextChunk"/> per line), the form chunks wait in between
/// chunking and embedding: a local spool file in the pipeline, a <c>work/</c> blob in the functions.
/// </summary>
public static class ChunkSetSerializer
{
    /// <summary>Appends one chunk to <paramref name="output"/>.</summary>
    public static async Task WriteAsync(Stream output, TextChunk chunk, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(chunk);
        var line = JsonLines.Line(json =>
        {
            json.WriteStartObject();
            json.WriteNumber("index", chunk.Index);
            json.WriteNumber("char_start", chunk.CharStart);
            json.WriteNumber("char_end", chunk.CharEnd);
            json.WriteNumber("tokens", chunk.Tokens);
            json.WriteString("text", chunk.Text);
            json.WriteEndObject();
        }, 128 + (chunk.Text.Length * 2));
        await output.WriteAsync(line, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the chunks of a chunk set in order.</summary>
    public static async IAsyncEnumerable<TextChunk> ReadAsync(Stream input, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(input, leaveOpen: true);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is string line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var c = doc.RootElement;
            yield return new TextChunk(
                c.GetProperty("index").GetInt32(),
                c.GetProperty("char_start").GetInt64(),
                c.GetProperty("char_end").GetInt64(),
                c.GetProperty("text").GetString()!,
                c.GetProperty("tokens").GetInt32());
        }
    }
}

using System.Text.Json;

namespace Jasper.Cli.Commands;

/// <summary>
/// Reads <c>jasper embed</c> input: one JSON object per line with a <c>text</c> string and an <c>id</c> (any JSON
/// value, echoed back), optionally <c>compression_ratio</c> and <c>prompt_name</c>. Blank lines are skipped; any
/// other malformed line is an error naming its line number.
/// </summary>
internal static class JsonLinesInput
{
    /// <summary>One input line.</summary>
    public sealed record Line(int Number, JsonElement Id, string Text, double? CompressionRatio, string? PromptName);

    public static async IAsyncEnumerable<Line> ReadAsync(TextReader reader, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        int number = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is string raw)
        {
            number++;
            if (!string.IsNullOrWhiteSpace(raw))
            {
                yield return Parse(raw, number);
            }
        }
    }

    private static Line Parse(string raw, int number)
    {
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(raw);
            root = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new InputFormatException($"line {number}: not valid JSON ({ex.Message})", ex);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InputFormatException($"line {number}: expected a JSON object like {{\"id\": 1, \"text\": \"...\"}}");
        }

        if (!root.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
        {
            throw new InputFormatException($"line {number}: \"text\" must be a string");
        }

        var id = root.TryGetProperty("id", out var idValue) ? idValue : JsonSerializer.SerializeToElement(number);
        double? ratio = root.TryGetProperty("compression_ratio", out var r)
            ? r.ValueKind == JsonValueKind.Number ? r.GetDouble() : throw new InputFormatException($"line {number}: \"compression_ratio\" must be a number")
            : null;
        string? prompt = root.TryGetProperty("prompt_name", out var p)
            ? p.ValueKind == JsonValueKind.String ? p.GetString() : throw new InputFormatException($"line {number}: \"prompt_name\" must be a string")
            : null;
        return new Line(number, id, text.GetString()!, ratio, prompt);
    }
}

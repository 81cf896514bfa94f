using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Jasper.Cli.Commands;

/// <summary>
/// Reads <c>jasper embed</c> input: one JSON object per line with a <c>text</c> string and an <c>id</c> (any JSON
/// value, echoed back), optionally <c>compression_ratio</c> and <c>prompt_name</c>. Blank lines are skipped; any
/// other malformed line is an error naming its line number.
/// </summary>
internal static class JsonLinesInput
{
    /// <summary>
    /// The longest line read, in characters (16 Mi, the size of the HTTP API's largest body): far more than any text
    /// the model reads 1,024 tokens of, and a bound on what one line holds in memory.
    /// </summary>
    public const int MaxLineChars = 16 << 20;

    /// <summary>One input line.</summary>
    public sealed record Line(int Number, JsonElement Id, string Text, double? CompressionRatio, string? PromptName);

    public static async IAsyncEnumerable<Line> ReadAsync(TextReader reader, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var (number, raw) in NonBlankLinesAsync(reader, cancellationToken).ConfigureAwait(false))
        {
            yield return Parse(raw, number);
        }
    }

    /// <summary>How many lines <see cref="ReadAsync"/> would parse (those not blank), for a progress total.</summary>
    public static async Task<int> CountAsync(TextReader reader, CancellationToken cancellationToken = default)
    {
        int count = 0;
        await foreach (var _ in NonBlankLinesAsync(reader, cancellationToken).ConfigureAwait(false))
        {
            count++;
        }

        return count;
    }

    // The lines that are not blank, with their numbers in the input.
    private static async IAsyncEnumerable<(int Number, string Raw)> NonBlankLinesAsync(TextReader reader, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var lines = new LineReader(reader);
        int number = 0;
        while (await lines.ReadLineAsync(++number, cancellationToken).ConfigureAwait(false) is string raw)
        {
            if (!string.IsNullOrWhiteSpace(raw))
            {
                yield return (number, raw);
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

    // Lines as TextReader.ReadLineAsync ends them (a line feed, a carriage return, or both), but none longer than
    // MaxLineChars: ReadLineAsync read a file with no line ends (a binary given by mistake) whole into one string,
    // 8.5 GB of memory for 2.3 GB, and then failed with .NET's own error. Past the limit this stops reading at once.
    private sealed class LineReader(TextReader reader)
    {
        private readonly char[] _buffer = new char[1 << 16];
        private int _start;
        private int _end;
        private bool _lineFeedMayFollow; // the last line ended at a carriage return, so a line feed next is its end too

        // The next line, or null at the end of the input; number is the line's, for the error.
        public async Task<string?> ReadLineAsync(int number, CancellationToken cancellationToken)
        {
            StringBuilder? line = null;
            while (true)
            {
                if (_start == _end)
                {
                    _start = 0;
                    _end = await reader.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
                    if (_end == 0)
                    {
                        return line?.ToString();
                    }
                }

                if (_lineFeedMayFollow)
                {
                    _lineFeedMayFollow = false;
                    if (_buffer[_start] == '\n')
                    {
                        _start++;
                        continue;
                    }
                }

                int end = _buffer.AsSpan(_start, _end - _start).IndexOfAny('\r', '\n');
                int length = end < 0 ? _end - _start : end;
                if ((line?.Length ?? 0) + length > MaxLineChars)
                {
                    throw new InputFormatException(string.Create(CultureInfo.InvariantCulture,
                        $"line {number}: longer than {MaxLineChars:N0} characters; each line is one JSON object such as {{\"id\": 1, \"text\": \"...\"}}, and a file with no line ends is not JSON Lines"));
                }

                (line ??= new StringBuilder()).Append(_buffer, _start, length);
                _start += length;
                if (end >= 0)
                {
                    _lineFeedMayFollow = _buffer[_start] == '\r';
                    _start++;
                    return line.ToString();
                }
            }
        }
    }
}

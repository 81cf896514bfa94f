using Jasper.Cli.Commands;

namespace Jasper.Cli.Tests.Commands;

public sealed class JsonLinesInputTests
{
    [Fact]
    public async Task Lines_end_at_a_line_feed_a_carriage_return_or_both_and_blank_ones_are_counted_but_skipped()
    {
        var lines = await ReadAsync("{\"id\": 1, \"text\": \"a\"}\r\n{\"id\": 2, \"text\": \"b\"}\r{\"id\": 3, \"text\": \"c\"}\n\n  \n{\"id\": 4, \"text\": \"d\"}");

        Assert.Equal([(1, "a"), (2, "b"), (3, "c"), (6, "d")], lines.Select(l => (l.Number, l.Text)));
        Assert.Equal(4, await JsonLinesInput.CountAsync(new StringReader("{}\r\n\n{}\r{}\n  \n{}")));
    }

    // A file with no line ends (a binary given by mistake) was read whole into one string: 8.5 GB of memory for a
    // 2.3 GB file, then .NET's own error ("minimumLength ('-2147483648') must be a non-negative value").
    [Fact]
    public async Task A_line_longer_than_the_limit_is_an_error_naming_it_before_the_rest_is_read()
    {
        var input = new CountingReader("{\"id\": 1, \"text\": \"ok\"}\n" + new string('a', (3 * JsonLinesInput.MaxLineChars) + 5));

        var error = await Assert.ThrowsAsync<InputFormatException>(() => ReadAsync(input));
        var counting = await Assert.ThrowsAsync<InputFormatException>(() => JsonLinesInput.CountAsync(new CountingReader(input.Text)));

        Assert.StartsWith("line 2: longer than 16,777,216 characters", error.Message, StringComparison.Ordinal);
        Assert.Equal(error.Message, counting.Message);
        Assert.True(input.CharsRead < 2L * JsonLinesInput.MaxLineChars, $"{input.CharsRead:N0} characters read");
    }

    [Fact]
    public async Task A_line_as_long_as_the_limit_is_read()
    {
        string text = new('a', JsonLinesInput.MaxLineChars - "{\"text\": \"\"}".Length);

        var line = Assert.Single(await ReadAsync("{\"text\": \"" + text + "\"}\n"));

        Assert.Equal(text.Length, line.Text.Length);
    }

    private static Task<List<JsonLinesInput.Line>> ReadAsync(string text) => ReadAsync(new StringReader(text));

    private static async Task<List<JsonLinesInput.Line>> ReadAsync(TextReader reader)
    {
        var lines = new List<JsonLinesInput.Line>();
        await foreach (var line in JsonLinesInput.ReadAsync(reader))
        {
            lines.Add(line);
        }

        return lines;
    }

    // Counts what the reader hands out, so the test can tell that the rest of an overlong line was never read.
    private sealed class CountingReader(string text) : StringReader(text)
    {
        public string Text { get; } = text;

        public long CharsRead { get; private set; }

        // What JsonLinesInput reads through; the others end up here or in ReadLineAsync, so counting both counts all.
        public override async ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default) =>
            Counted(await base.ReadAsync(buffer, cancellationToken));

        public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) => Counted(await base.ReadLineAsync(cancellationToken));

        private int Counted(int read)
        {
            CharsRead += read;
            return read;
        }

        private string? Counted(string? line)
        {
            CharsRead += (line?.Length ?? 0) + 1;
            return line;
        }
    }
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Jasper.Embeddings.Compression;
using Jasper.Embeddings.Inference;
using Microsoft.Extensions.Logging;

namespace Jasper.Cli.Commands;

/// <summary>
/// <c>jasper embed</c>: JSON Lines in (<c>{"id", "text"}</c>), JSON Lines out
/// (<c>{"id", "embedding", "tokens", "compressed_tokens"}</c>) in input order (<see cref="JsonLinesEmbedder"/>); a
/// file output appears only when every line succeeded (<see cref="WholeOutput"/>).
/// </summary>
internal static class EmbedCommand
{
    public static Command Create(CliConsole console)
    {
        var model = ModelCommands.ModelOption();
        var input = new Option<string>("--input") { Description = "JSON Lines file of {\"id\": ..., \"text\": ...}, or - for standard input.", Required = true };
        var output = new Option<string>("--output") { Description = "JSON Lines file to write, or - for standard output.", Required = true };
        var ratio = new Option<double?>("--compression-ratio") { Description = $"Compression ratio in [{CompressionSettings.MinimumRatio}, 1] for lines that set none (default: the model's, {CompressionSettings.PublishedDefaultRatio})." };
        var prompt = new Option<string?>("--prompt-name") { Description = "Prompt for lines that name none: query or document." };
        var batchTokens = new BatchTokensOption();
        var device = new DeviceOption();
        var maxTokens = new Option<int?>("--max-tokens") { Description = "Most tokens per text, prompt included (default: the model's trained length)." };
        var truncate = new Option<bool>("--truncate") { Description = "Keep the first tokens of longer texts instead of failing." };
        var command = new Command("embed", "Embed texts from a JSON Lines file.") { model, input, output, ratio, prompt, batchTokens, device, maxTokens, truncate };
        command.SetAction((parse, cancellationToken) => JasperCommandLine.RunAsync(console, () =>
        {
            var options = new JasperEncoderOptions
            {
                Device = device.Provider(parse),
                MaxTokens = parse.GetValue(maxTokens),
                Truncate = parse.GetValue(truncate),
                DefaultCompressionRatio = parse.GetValue(ratio),
                DefaultPromptName = parse.GetValue(prompt),
                BatchTokenBudget = parse.GetValue(batchTokens),
            };

            return ExecuteAsync(console, parse.GetValue(model), parse.GetRequiredValue(input), parse.GetRequiredValue(output), options, CliLogging.Level(parse, LogLevel.Information), cancellationToken);
        }));
        return command;
    }

    private static async Task<int> ExecuteAsync(CliConsole console, string? modelDirectory, string input, string output, JasperEncoderOptions options, LogLevel logLevel, CancellationToken cancellationToken)
    {
        string path = await ModelCommands.LocateAsync(console, modelDirectory, cancellationToken).ConfigureAwait(false);
        using var loggerFactory = CliLogging.CreateFactory(logLevel);
        using var encoder = JasperEncoder.Load(path, options, loggerFactory);
        using var reader = input == "-" ? null : new StreamReader(input, Encoding.UTF8);
        // The progress total needs a first pass, which only a seekable file allows: a pipe or /dev/stdin can be read
        // once, so it is embedded without a total rather than counted and then found empty.
        int? total = null;
        if (reader is { BaseStream.CanSeek: true })
        {
            using var counting = new StreamReader(input, Encoding.UTF8);
            total = await JsonLinesInput.CountAsync(counting, cancellationToken).ConfigureAwait(false);
        }
        await using var written = WholeOutput.Open(console, output);
        await EmbedAllAsync(encoder, reader ?? console.In, written.Stream, total, new ProgressLine(console), cancellationToken).ConfigureAwait(false);
        written.Complete();
        return 0;
    }

    private static async Task EmbedAllAsync(JasperEncoder encoder, TextReader reader, Stream output, int? total, ProgressLine progress, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        // The line moves after each inference, not each block of lines: on the CPU a block is many minutes.
        void Report(EmbeddedTotals embedded) => progress.Update(string.Create(CultureInfo.InvariantCulture,
            $"embedded {embedded.Texts}{(total is int t ? $"/{t}" : string.Empty)} texts, {embedded.Tokens / Math.Max(watch.Elapsed.TotalSeconds, 1e-9):0} tokens/s"));
        var totals = await new JsonLinesEmbedder(encoder).EmbedAsync(reader, output, _ => { }, cancellationToken, Report).ConfigureAwait(false);
        double seconds = Math.Max(watch.Elapsed.TotalSeconds, 1e-9);
        progress.Complete(string.Create(CultureInfo.InvariantCulture,
            $"{totals.Texts} texts, {totals.Tokens} tokens ({totals.CompressedTokens} after compression) in {seconds:0.00} s: {totals.Tokens / seconds:0} tokens/s on {encoder.Provider.Provider.ToName()}"));
    }
}

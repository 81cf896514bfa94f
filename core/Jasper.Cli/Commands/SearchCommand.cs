using System.CommandLine;
using System.Globalization;
using Jasper.Embeddings.Inference;
using Jasper.Ingestion.Vectors;
using Microsoft.Extensions.Logging;

namespace Jasper.Cli.Commands;

/// <summary><c>jasper search "QUERY" --index DIR</c>: the query with the model's query prompt, ranked against local records by cosine.</summary>
internal static class SearchCommand
{
    public static Command Create(CliConsole console)
    {
        var query = new Argument<string>("QUERY") { Description = "What to look for." };
        var index = new Option<string>("--index") { Description = "Directory written by `jasper ingest --out`.", Required = true };
        var model = ModelCommands.ModelOption();
        var k = new Option<int>("-k") { Description = "How many results.", DefaultValueFactory = _ => 5 };
        var command = new Command("search", "Search a local vector directory.") { query, index, model, k };
        command.SetAction((parse, cancellationToken) => JasperCommandLine.RunAsync(console, async () =>
        {
            string modelPath = await ModelCommands.LocateAsync(console, parse.GetValue(model), cancellationToken).ConfigureAwait(false);
            using var loggerFactory = CliLogging.CreateFactory(parse, LogLevel.Warning);
            using var encoder = JasperEncoder.Load(modelPath, loggerFactory: loggerFactory);
            string? prompt = encoder.Model.Manifest.Prompts.ContainsKey("query") ? "query" : null;
            var vector = (await encoder.EmbedAsync([new EmbeddingInput(parse.GetRequiredValue(query), PromptName: prompt)], cancellationToken).ConfigureAwait(false))[0].Vector;
            var hits = await LocalVectorIndex.SearchAsync(parse.GetRequiredValue(index), vector, parse.GetValue(k), cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < hits.Count; i++)
            {
                var r = hits[i].Record;
                await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{i + 1}. {hits[i].Score:0.0000}  {TerminalText.Line(r.Source)}  [{r.CharStart}, {r.CharEnd})  chunk {r.ChunkIndex}, ratio {r.CompressionRatio}")).ConfigureAwait(false);
                await console.Out.WriteLineAsync("   " + TerminalText.Block(r.Text).Replace("\n", "\n   ", StringComparison.Ordinal)).ConfigureAwait(false);
                await console.Out.WriteLineAsync().ConfigureAwait(false);
            }

            if (hits.Count == 0)
            {
                await console.Error.WriteLineAsync("The index holds no records.").ConfigureAwait(false);
            }

            return 0;
        }));
        return command;
    }
}

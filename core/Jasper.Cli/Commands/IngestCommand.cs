using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO.Enumeration;
using Jasper.Embeddings.Inference;
using Jasper.Ingestion.Pipeline;
using Jasper.Ingestion.Policy;
using Jasper.Ingestion.Sinks;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Jasper.Cli.Commands;

/// <summary>
/// <c>jasper ingest PATH... --out DIR</c>: every file under the paths through the ingestion pipeline into a local
/// directory of JSON Lines vector records, with a progress bar and a summary. Exit code 0 when every document
/// succeeded (or was unchanged), 2 when some failed, 1 when none could be processed.
/// </summary>
internal static class IngestCommand
{
    public const int SomeFailed = 2;

    public static Command Create(CliConsole console)
    {
        var paths = new Argument<string[]>("PATH") { Description = "Files or directories (searched recursively; hidden files skipped).", Arity = ArgumentArity.OneOrMore };
        var model = ModelCommands.ModelOption();
        var output = new Option<string>("--out") { Description = "Directory for the vector records ({document_id}.jsonl per document).", Required = true };
        var priority = new Option<string>("--priority") { Description = "high, normal or low: picks the compression ratio.", DefaultValueFactory = _ => "normal" };
        priority.AcceptOnlyFromAmong("high", "normal", "low");
        var ratio = new Option<double?>("--compression-ratio") { Description = $"An explicit ratio for every chunk, overriding the priority ({new CompressionPolicyOptions().ExplicitRange})." };
        var device = new DeviceOption();
        var ahead = new Option<int?>("--documents-ahead") { Description = "Documents extracted and chunked ahead of the encoder, in parallel (default: one per core up to 8 on a GPU, none on the CPU)." };
        ahead.Validators.Add(result =>
        {
            if (result.GetValue(ahead) is < 0)
            {
                result.AddError("--documents-ahead cannot be negative.");
            }
        });
        var prune = new Option<bool>("--prune") { Description = "Also remove from --out the documents under the given directories whose files are gone (deleted or renamed since they were ingested)." };
        var inProcess = new Option<bool>("--in-process") { Description = "Parse PDF, Word, HTML and Markdown files in this process, not in a worker process each (faster for many small files; a file that crashes a parser then ends the run)." };
        var command = new Command("ingest", "Extract, chunk, compress and embed documents into a local vector directory.") { paths, model, output, priority, ratio, device, ahead, prune, inProcess };
        command.SetAction((parse, cancellationToken) => JasperCommandLine.RunAsync(console, async () =>
        {
            string modelPath = await ModelCommands.LocateAsync(console, parse.GetValue(model), cancellationToken).ConfigureAwait(false);
            using var loggerFactory = CliLogging.CreateFactory(parse, LogLevel.Warning);
            using var encoder = JasperEncoder.Load(modelPath, new JasperEncoderOptions { Device = device.Provider(parse) }, loggerFactory);
            string outputDirectory = Path.GetFullPath(parse.GetRequiredValue(output));
            var sink = new LocalDirectorySink(outputDirectory);
            var options = new IngestionOptions { DocumentsAhead = parse.GetValue(ahead) };
            if (!parse.GetValue(inProcess))
            {
                options.Extraction.Isolation.RunIn(typeof(IngestCommand).Assembly); // this program, started with ExtractionWorker.Argument (Program.cs)
            }

            var pipeline = new IngestionPipeline(encoder, sink, options);
            var documents = Enumerate(parse.GetRequiredValue(paths), outputDirectory, out var missing);
            var settings = (Priority: IngestPriorities.Parse(parse.GetRequiredValue(priority)), Ratio: parse.GetValue(ratio));
            var watch = Stopwatch.StartNew();
            var reports = await RunAsync(console, pipeline, documents, settings, cancellationToken).ConfigureAwait(false);
            reports.AddRange(missing);
            int? removed = parse.GetValue(prune) ? await PruneAsync(sink, parse.GetRequiredValue(paths), documents, cancellationToken).ConfigureAwait(false) : null;
            return Summarize(console, reports, removed, watch.Elapsed);
        }));
        return command;
    }

    private static List<string> Enumerate(string[] paths, string outputDirectory, out List<DocumentReport> missing)
    {
        var files = new List<string>();
        missing = [];
        foreach (string path in paths)
        {
            if (File.Exists(path))
            {
                files.Add(Path.GetFullPath(path));
            }
            else if (Directory.Exists(path))
            {
                files.AddRange(FilesUnder(path).Select(Path.GetFullPath)
                    .Where(f => !f.StartsWith(outputDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    .Order(StringComparer.Ordinal));
            }
            else
            {
                string full = Path.GetFullPath(path);
                missing.Add(new DocumentReport { DocumentId = DocumentIds.FromSource(full), Source = full, Status = DocumentStatus.Failed, Error = "not found: no such file or directory" });
            }
        }

        return files;
    }

    // The documents under the directories given that this run did not find: files deleted or renamed since they were
    // ingested. Only directories that exist count, so a path mistyped or not mounted removes nothing; a file that is
    // still there but failed keeps its last version.
    private static async Task<int> PruneAsync(LocalDirectorySink sink, string[] paths, List<string> found, CancellationToken cancellationToken)
    {
        var directories = paths.Where(Directory.Exists).Select(Path.GetFullPath)
            .Select(d => Path.EndsInDirectorySeparator(d) ? d : d + Path.DirectorySeparatorChar).ToList();
        var seen = found.ToHashSet(StringComparer.Ordinal);
        var gone = sink.GetDocuments()
            .Where(d => !seen.Contains(d.Source) && directories.Any(directory => d.Source.StartsWith(directory, StringComparison.Ordinal)))
            .ToList();
        foreach (var document in gone)
        {
            await sink.RemoveAsync(document.DocumentId, cancellationToken).ConfigureAwait(false);
        }

        return gone.Count;
    }

    // Every file below a directory, hidden and system ones aside. Links to directories are not followed (as find does by
    // default): one that points back up would otherwise be walked until the path is too long.
    private static FileSystemEnumerable<string> FilesUnder(string directory) =>
        new FileSystemEnumerable<string>(directory, (ref FileSystemEntry entry) => entry.ToFullPath(),
            new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System, IgnoreInaccessible = true })
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) => !entry.IsDirectory,
            ShouldRecursePredicate = (ref FileSystemEntry entry) => (entry.Attributes & FileAttributes.ReparsePoint) == 0,
        };

    // Documents ended move the progress; so do the chunks embedded, after each inference, which on the CPU is what
    // shows that a long document is being embedded.
    private static Task<List<DocumentReport>> RunAsync(CliConsole console, IngestionPipeline pipeline, List<string> files, (IngestPriority Priority, double? Ratio) settings, CancellationToken cancellationToken)
    {
        var sources = files.Select(file => DocumentSource.FromFile(file) with { Priority = settings.Priority, CompressionRatio = settings.Ratio });
        return console.ErrorIsTerminal
            ? RunWithBarAsync(console, pipeline, sources, files.Count, cancellationToken)
            : RunWithLinesAsync(console, pipeline, sources, files.Count, cancellationToken);
    }

    private static async Task<List<DocumentReport>> RunWithBarAsync(CliConsole console, IngestionPipeline pipeline, IEnumerable<DocumentSource> sources, int count, CancellationToken cancellationToken)
    {
        List<DocumentReport> reports = [];
        var ansi = SpectreConsoles.Create(console.Error, console.ErrorIsTerminal);
        await ansi.Progress().AutoClear(false).StartAsync(async context =>
        {
            var task = context.AddTask("ingesting", maxValue: Math.Max(1, count));
            reports = await IngestShowingAsync(pipeline, sources, (ended, chunks) =>
            {
                string last = ended.Count == 0 ? "ingesting" : TerminalText.Line(Path.GetFileName(ended[^1].Source));
                task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{last} ({chunks:N0} chunks embedded)"));
                task.Value = ended.Count;
            }, cancellationToken).ConfigureAwait(false);
            task.Description = "ingested";
        }).ConfigureAwait(false);
        return reports;
    }

    // Redirected (logs, containers): a line every few seconds and a last one. Spectre's bar, redirected, printed its
    // first state only ("ingesting: 0%").
    private static async Task<List<DocumentReport>> RunWithLinesAsync(CliConsole console, IngestionPipeline pipeline, IEnumerable<DocumentSource> sources, int count, CancellationToken cancellationToken)
    {
        var line = new ProgressLine(console);
        string Text(int ended, long chunks) => string.Create(CultureInfo.InvariantCulture, $"ended {ended}/{count} documents, {chunks} chunks embedded");
        string last = Text(0, 0);
        var reports = await IngestShowingAsync(pipeline, sources, (ended, chunks) => line.Update(last = Text(ended.Count, chunks)), cancellationToken).ConfigureAwait(false);
        line.Complete(last);
        return reports;
    }

    // Runs the documents, showing the reports so far and the chunks embedded after each inference and each document.
    private static async Task<List<DocumentReport>> IngestShowingAsync(IngestionPipeline pipeline, IEnumerable<DocumentSource> sources, Action<IReadOnlyList<DocumentReport>, long> show, CancellationToken cancellationToken)
    {
        var reports = new List<DocumentReport>();
        long chunks = 0;
        var embedded = new SynchronousProgress<IngestionProgress>(progress =>
        {
            chunks = progress.Chunks;
            show(reports, chunks);
        });
        await foreach (var report in pipeline.IngestAllAsync(sources, embedded, cancellationToken).ConfigureAwait(false))
        {
            reports.Add(report);
            show(reports, chunks);
        }

        return reports;
    }

    // Rates are over the run's wall time: documents overlap one another, so their own times add up to more.
    private static int Summarize(CliConsole console, List<DocumentReport> reports, int? removed, TimeSpan elapsed)
    {
        var ansi = SpectreConsoles.Create(console.Out, terminal: false);
        var done = reports.Where(r => r.Status == DocumentStatus.Succeeded).ToList();
        var failed = reports.Where(r => r.Status == DocumentStatus.Failed).ToList();
        int unchanged = reports.Count(r => r.Status == DocumentStatus.Unchanged);
        long tokens = done.Sum(r => r.Tokens);
        int chunks = done.Sum(r => r.Chunks);
        double seconds = Math.Max(1e-9, elapsed.TotalSeconds);
        double meanRatio = chunks == 0 ? 1.0 : done.Sum(r => r.MeanRatio * r.Chunks) / chunks;

        double documentsPerSecond = (done.Count + unchanged) / seconds;
        var table = new Table().AddColumns("ingest", "total");
        (string Name, string Value)[] rows =
        [
            ("documents", Text(reports.Count)),
            ("ingested", Text(done.Count)),
            ("unchanged", Text(unchanged)),
            ("failed", Text(failed.Count)),
            .. removed is int count ? [("removed", Text(count))] : Array.Empty<(string, string)>(),
            ("chunks", Text(chunks)),
            ("tokens", Text(tokens)),
            ("compressed tokens", Text(done.Sum(r => r.CompressedTokens))),
            ("mean ratio", Text(meanRatio, "0.000")),
            ("tokens/s", Text(tokens / seconds, "0")),
            ("documents/s", Text(documentsPerSecond, "0.00")),
        ];
        foreach (var (name, value) in rows)
        {
            table.AddRow(name, value);
        }

        ansi.Write(table);
        if (failed.Count > 0)
        {
            var failures = new Table().AddColumns("failed document", "reason");
            foreach (var report in failed)
            {
                failures.AddRow(Markup.Escape(TerminalText.Line(report.Source)), Markup.Escape(TerminalText.Line(report.Error ?? "unknown")));
            }

            ansi.Write(failures);
        }

        return failed.Count == 0 && reports.Count > 0 ? 0 : failed.Count == reports.Count ? 1 : SomeFailed;
    }

    private static string Text(double value, string format = "0") => value.ToString(format, CultureInfo.InvariantCulture);
}

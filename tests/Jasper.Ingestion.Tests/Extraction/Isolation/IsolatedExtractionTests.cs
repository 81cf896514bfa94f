using System.ComponentModel;
using Jasper.Ingestion.Extraction;
using Jasper.Ingestion.Extraction.Isolation;
using Jasper.TestSupport;

namespace Jasper.Ingestion.Tests.Extraction.Isolation;

/// <summary>
/// Extraction in worker processes: the real worker (the test worker program hands over to
/// <see cref="ExtractionWorker"/>, as a host's entry point does) against extraction in this process, and workers that
/// die as a parser the inspectors missed would.
/// </summary>
public sealed class IsolatedExtractionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public IsolatedExtractionTests() => MixedDocuments.Write(_dir.Path);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Every_good_and_bad_document_reads_in_a_worker_as_in_this_process()
    {
        var inProcess = new DocumentExtractor();
        var isolated = new DocumentExtractor(TestWorkers.Options(ExtractionWorker.Argument));
        string[] fuzzed = Directory.GetFiles(Path.Combine(RepoPaths.Fixtures, "fuzzed"), "*.pdf");
        foreach (string file in fuzzed)
        {
            File.Copy(file, _dir.Combine(Path.GetFileName(file)));
        }

        foreach (string name in MixedDocuments.Good.Keys.Concat(MixedDocuments.Bad.Keys).Concat(fuzzed.Select(Path.GetFileName))!)
        {
            Assert.Equal(await OutcomeAsync(inProcess, name), await OutcomeAsync(isolated, name));
        }
    }

    [Fact]
    public async Task A_worker_that_finished_a_document_cleanly_parses_the_next_one_too()
    {
        var before = Workers(ExtractionWorker.Argument); // other tests' idle workers, waiting for documents that will not come
        var extractor = new DocumentExtractor(TestWorkers.Options(ExtractionWorker.Argument));
        foreach (string name in new[] { "report.pdf", "letter.docx", "page.html", "truncated.pdf", "guide.md" })
        {
            await OutcomeAsync(extractor, name);
        }

        // One worker, started for the first document and waiting for the next (a refusal is a clean end too).
        Assert.Single(Workers(ExtractionWorker.Argument).Except(before));
    }

    [Fact]
    public async Task A_document_that_runs_the_worker_out_of_memory_fails_as_too_large_and_the_next_one_reads()
    {
        // 3 million letters on one page take PdfPig about 1.3 GB; with the inspector's element limit lifted it reaches
        // PdfPig, whose allocations pass the worker's heap limit and throw there.
        File.WriteAllBytes(_dir.Combine("letters.pdf"), DocumentFactory.PdfShowing(3_000_000));
        var options = TestWorkers.Options(ExtractionWorker.Argument);
        options.MaxElements = int.MaxValue;
        options.Isolation.MemoryLimitBytes = 256L << 20;
        var extractor = new DocumentExtractor(options);

        var error = await Assert.ThrowsAsync<DocumentException>(() => BlocksAsync(extractor, "letters.pdf"));

        Assert.Equal(DocumentErrorKind.TooLarge, error.Kind);
        Assert.Contains("more than the 256 MB of memory an extraction worker may use", error.Message, StringComparison.Ordinal);
        Assert.Contains(MixedDocuments.Good["report.pdf"], string.Concat((await BlocksAsync(extractor, "report.pdf")).Select(b => b.Text)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_document_that_overflows_pdfpigs_stack_in_the_worker_fails_as_too_deep_and_this_process_goes_on()
    {
        // 5,000 nested forms: with the inspector's depth limit lifted they reach PdfPig, which draws a form within a
        // form by recursion until the worker's stack overflows; in this process that would end the test run.
        File.WriteAllBytes(_dir.Combine("nested.pdf"), DocumentFactory.PdfWithForms(5_000, closeCycle: false));
        var options = TestWorkers.Options(ExtractionWorker.Argument);
        options.MaxNestingDepth = int.MaxValue;
        var extractor = new DocumentExtractor(options);

        var error = await Assert.ThrowsAsync<DocumentException>(() => BlocksAsync(extractor, "nested.pdf"));

        Assert.Equal("too-deep: parsing it overflowed the extraction worker's stack (nesting or references deeper than the parser can follow)", error.Reason);
        Assert.Contains(MixedDocuments.Good["report.pdf"], string.Concat((await BlocksAsync(extractor, "report.pdf")).Select(b => b.Text)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_whose_stack_overflows_fails_the_document_as_too_deep()
    {
        var error = await Assert.ThrowsAsync<DocumentException>(() => BlocksAsync(new DocumentExtractor(TestWorkers.Options("overflow-stack")), "report.pdf"));

        Assert.Equal(DocumentErrorKind.TooDeep, error.Kind);
        Assert.Contains("overflowed the extraction worker's stack", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_that_dies_of_an_unhandled_out_of_memory_fails_the_document_as_too_large()
    {
        var options = TestWorkers.Options("exhaust-memory");
        options.Isolation.MemoryLimitBytes = 128L << 20;

        var error = await Assert.ThrowsAsync<DocumentException>(() => BlocksAsync(new DocumentExtractor(options), "page.html"));

        Assert.Equal(DocumentErrorKind.TooLarge, error.Kind);
        Assert.Contains("more than the 128 MB of memory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_that_crashes_fails_the_document_with_its_exit_code_and_last_words()
    {
        var error = await Assert.ThrowsAsync<DocumentException>(() => BlocksAsync(new DocumentExtractor(TestWorkers.Options("exit", "3")), "letter.docx"));

        Assert.Equal(DocumentErrorKind.Failed, error.Kind);
        Assert.Contains("exit code 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("the worker broke", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_that_hangs_is_stopped_at_its_timeout()
    {
        var options = TestWorkers.Options("hang");
        options.Isolation.Timeout = TimeSpan.FromSeconds(2);

        var error = await Assert.ThrowsAsync<DocumentException>(() => BlocksAsync(new DocumentExtractor(options), "guide.md"));

        Assert.Equal(DocumentErrorKind.TooLarge, error.Kind);
        Assert.Contains("took longer than the 2 seconds", error.Message, StringComparison.Ordinal);
        await AssertNoWorkerLeftAsync("hang");
    }

    [Fact]
    public async Task The_time_a_caller_takes_over_each_block_does_not_count_against_the_worker()
    {
        File.WriteAllText(_dir.Combine("slow.md"), "# One\n\nTwo.\n\nThree.\n\nFour.\n");
        var options = TestWorkers.Options(ExtractionWorker.Argument);
        options.Isolation.Timeout = TimeSpan.FromSeconds(10);
        var extractor = new DocumentExtractor(options);
        var open = ExtractedFiles.Open(_dir.Combine("slow.md"));

        // 4 seconds over each of four blocks: 16 in all, more than the worker may take, all of it this side's.
        var blocks = new List<TextBlock>();
        await foreach (var block in extractor.ExtractAsync(open, FileFormat.Markdown))
        {
            blocks.Add(block);
            await Task.Delay(TimeSpan.FromSeconds(4));
        }

        Assert.Equal(["One", "Two.", "Three.", "Four."], blocks.Select(b => b.Text.Trim()));
    }

    [Fact]
    public async Task Cancelling_stops_the_worker()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(2));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => BlocksAsync(new DocumentExtractor(TestWorkers.Options("hang")), "guide.md", cancel.Token));

        await AssertNoWorkerLeftAsync("hang");
    }

    [Fact]
    public async Task A_document_that_grows_past_its_limit_while_it_is_sent_fails_with_this_sides_reason_and_stops_the_worker()
    {
        // Its length unknown when detected, the document is read until the limit, which it passes while being sent.
        File.WriteAllText(_dir.Combine("grown.html"), "<html><body>" + string.Concat(Enumerable.Repeat("<p>paragraph</p>", 10_000)) + "</body></html>");
        var options = TestWorkers.Options(ExtractionWorker.Argument);
        options.MaxParsedBytes = 100_000;
        var extractor = new DocumentExtractor(options);
        var open = ExtractedFiles.Open(_dir.Combine("grown.html"));
        var format = await extractor.DetectAsync(open, "grown.html", length: null);
        var before = Workers(ExtractionWorker.Argument);

        var error = await Assert.ThrowsAsync<DocumentException>(async () =>
        {
            await foreach (var block in extractor.ExtractAsync(open, format))
            {
            }
        });

        Assert.Equal("too-large: over the 100000-byte limit for Html documents", error.Reason);
        await AssertNoWorkerLeftAsync(ExtractionWorker.Argument, before); // half a document in it: not kept
    }

    [Fact]
    public async Task A_worker_that_cannot_start_is_an_error_of_this_host_not_of_the_document()
    {
        var options = new ExtractionOptions();
        options.Isolation.WorkerPath = _dir.Combine("no-such-worker");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => BlocksAsync(new DocumentExtractor(options), "report.pdf"));

        Assert.IsType<Win32Exception>(error);
    }

    [Fact]
    public async Task Plain_text_is_streamed_in_this_process_even_when_isolated()
    {
        // A worker that would fail every document: plain text never reaches it.
        var blocks = await BlocksAsync(new DocumentExtractor(TestWorkers.Options("exit", "3")), "notes.txt");

        Assert.Contains(MixedDocuments.Good["notes.txt"], string.Concat(blocks.Select(b => b.Text)), StringComparison.Ordinal);
    }

    // The blocks a document yields, or the reason it failed.
    private async Task<string> OutcomeAsync(DocumentExtractor extractor, string name)
    {
        try
        {
            return string.Join("\u0001", (await BlocksAsync(extractor, name)).Select(b => $"{b.Kind}:{b.Text}"));
        }
        catch (DocumentException ex)
        {
            return ex.Reason;
        }
    }

    private Task<List<TextBlock>> BlocksAsync(DocumentExtractor extractor, string name, CancellationToken cancellationToken = default) =>
        ExtractedFiles.BlocksAsync(extractor, _dir.Combine(name), cancellationToken);

    // No test worker in the given mode is running any more, but those running before (other tests', idle).
    private static async Task AssertNoWorkerLeftAsync(string mode, IReadOnlyList<int>? before = null)
    {
        List<int> Left() => [.. Workers(mode).Except(before ?? [])];

        // Kill is asynchronous; the worker is gone within moments.
        for (int i = 0; i < 50 && Left().Count > 0; i++)
        {
            await Task.Delay(100);
        }

        Assert.True(Left().Count == 0, $"a test worker '{mode}' is still running");
    }

    // The test workers in the given mode this process started that are still running (other tests run workers of
    // their own at the same time, from options of their own).
    private static IReadOnlyList<int> Workers(string mode) => ChildProcesses.Running(TestWorkers.Assembly, mode);
}

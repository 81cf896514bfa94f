using System.Reflection;

namespace Jasper.Ingestion.Extraction.Isolation;

/// <summary>
/// Whether documents are parsed in a process of their own. The inspectors that run before each parser refuse what
/// they know would exhaust memory or overflow the stack, but they approximate the parsers rather than run them; in a
/// child process, whatever they miss ends that process only (an out-of-memory kill and a stack overflow cannot be
/// caught in .NET), and the document fails with a reason. Off unless a worker is named: the library cannot know how
/// its host program starts (<see cref="RunIn"/> names the host program itself, which then calls
/// <see cref="ExtractionWorker.RunAsync(CancellationToken)"/>).
/// </summary>
public sealed class ExtractionIsolation
{
    private WorkerPool? _pool;

    /// <summary>The program started for each document; null (the default) parses in this process.</summary>
    public string? WorkerPath { get; set; }

    /// <summary>Its arguments, in order.</summary>
    public IList<string> WorkerArguments { get; } = [];

    /// <summary>
    /// The most memory the worker's managed heap may take (the .NET runtime's <c>GCHeapHardLimit</c>): a document that
    /// needs more fails as too large. 1 GiB by default: the largest documents the limits of
    /// <see cref="ExtractionOptions"/> admit take PdfPig under 800 MB.
    /// </summary>
    public long MemoryLimitBytes { get; set; } = 1L << 30;

    /// <summary>
    /// The longest a worker may go without answering (for the formats parsed whole, the whole parse) before it is
    /// stopped and the document fails as too large. The time the caller takes over each block does not count.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether a worker is named.</summary>
    public bool Enabled => !string.IsNullOrEmpty(WorkerPath);

    /// <summary>
    /// The workers waiting for a document, shared by every extractor these options configure: hosts make a pipeline
    /// per document, and a worker outlives it.
    /// </summary>
    internal WorkerPool Pool => LazyInitializer.EnsureInitialized(ref _pool, () => new WorkerPool(this));

    /// <summary>
    /// Names <paramref name="program"/>, run as this process runs it (through its own executable, or through the
    /// <c>dotnet</c> host), with <see cref="ExtractionWorker.Argument"/>: that program's entry point must hand over to
    /// <see cref="ExtractionWorker.RunAsync(CancellationToken)"/> when <see cref="ExtractionWorker.IsRequested"/>.
    /// </summary>
    public ExtractionIsolation RunIn(Assembly program)
    {
        ArgumentNullException.ThrowIfNull(program);
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("this process's executable is unknown, so no worker can be started");
        string assembly = program.Location;
        WorkerArguments.Clear();

        // A single-file or native-host program is its own executable (its assembly has no file of its own, or shares
        // the executable's name); otherwise the dotnet host runs it, this one's when this process is that host.
        bool ownExecutable = assembly.Length == 0
            || string.Equals(Path.GetFileNameWithoutExtension(host), Path.GetFileNameWithoutExtension(assembly), StringComparison.OrdinalIgnoreCase);
        if (ownExecutable)
        {
            WorkerPath = host;
        }
        else
        {
            WorkerPath = string.Equals(Path.GetFileNameWithoutExtension(host), "dotnet", StringComparison.OrdinalIgnoreCase)
                ? host
                : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } dotnet ? dotnet : "dotnet";
            WorkerArguments.Add(assembly);
        }

        WorkerArguments.Add(ExtractionWorker.Argument);
        return this;
    }
}

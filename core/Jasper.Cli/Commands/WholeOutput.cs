namespace Jasper.Cli.Commands;

/// <summary>
/// A command's output that appears whole or not at all. A file is written under a temporary name (<c>.partial</c>
/// beside it), moved into place by <see cref="Complete"/> and removed if the command fails first. Standard output
/// (<c>-</c>), a device (<c>/dev/null</c>, <c>/dev/stdout</c>, <c>NUL</c>) and a named pipe are written directly: moving a
/// file over one would replace the device or the pipe itself, and its reader would never see a line.
/// </summary>
internal sealed class WholeOutput : IAsyncDisposable
{
    private readonly string? _partial;
    private readonly string? _path;
    private bool _complete;

    private WholeOutput(Stream stream, string? partial = null, string? path = null)
    {
        Stream = stream;
        _partial = partial;
        _path = path;
    }

    /// <summary>Where to write.</summary>
    public Stream Stream { get; }

    /// <summary>Opens <paramref name="path"/>: <c>-</c> for standard output.</summary>
    public static WholeOutput Open(CliConsole console, string path)
    {
        if (path == "-")
        {
            return new WholeOutput(console.OpenStandardOutput());
        }

        if (IsDevice(path))
        {
            return new WholeOutput(new FileStream(path, FileMode.Open, FileAccess.Write));
        }

        if (File.Exists(path) && OpenIfPipe(path) is FileStream pipe)
        {
            return new WholeOutput(pipe);
        }

        string partial = path + ".partial";
        return new WholeOutput(File.Create(partial), partial, path);
    }

    /// <summary>Marks the output whole: a file is moved into place when this is disposed.</summary>
    public void Complete() => _complete = true;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync().ConfigureAwait(false);
        if (_partial is null)
        {
            return;
        }

        if (_complete)
        {
            File.Move(_partial, _path!, overwrite: true);
        }
        else
        {
            File.Delete(_partial);
        }
    }

    // .NET does not tell a named pipe from a file, but a pipe cannot seek. Opening a pipe waits for its reader, which then
    // reads what is written; an existing file is opened without truncating it, and left as it is. A file that cannot be
    // opened to write (another user's read-only file, a running program) is no pipe we could write: it is replaced by
    // the move, which needs only the directory's permission.
    private static FileStream? OpenIfPipe(string path)
    {
        FileStream existing;
        try
        {
            existing = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return null;
        }

        if (!existing.CanSeek)
        {
            return existing;
        }

        existing.Dispose();
        return null;
    }

    // Device files: their paths say so (.NET reports a device as a plain file).
    private static bool IsDevice(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return string.Equals(Path.GetFileNameWithoutExtension(path), "NUL", StringComparison.OrdinalIgnoreCase);
        }

        string full = Path.GetFullPath(path);
        return full.StartsWith("/dev/", StringComparison.Ordinal) || full.StartsWith("/proc/", StringComparison.Ordinal);
    }
}

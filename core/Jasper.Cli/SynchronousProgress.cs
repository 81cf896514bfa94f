namespace Jasper.Cli;

/// <summary>
/// An <see cref="IProgress{T}"/> that reports on the reporter's thread, in order: <see cref="Progress{T}"/> posts each
/// report to the thread pool, where one may arrive after the work, or the command, has finished.
/// </summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

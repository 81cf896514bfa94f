namespace Jasper.Azure.Storage;

/// <summary>
/// Creates a resource (a container, a table, an index) on first use. A failed creation is not remembered, so the next
/// use tries again: one transient failure at start-up must not break the resource for the life of the process, as a
/// cached faulted <c>Lazy&lt;Task&gt;</c> did. Concurrent uses share one attempt, which no single caller can cancel.
/// </summary>
internal sealed class CreateOnFirstUse(Func<CancellationToken, Task> create)
{
    private readonly Lock _lock = new();
    private Task? _attempt;

    /// <summary>Completes once the resource exists; throws what the attempt this call shares threw.</summary>
    public Task EnsureAsync(CancellationToken cancellationToken)
    {
        Task attempt;
        lock (_lock)
        {
            if (_attempt is null || _attempt.IsFaulted || _attempt.IsCanceled)
            {
                _attempt = create(CancellationToken.None);
            }

            attempt = _attempt;
        }

        return attempt.IsCompletedSuccessfully ? Task.CompletedTask : attempt.WaitAsync(cancellationToken);
    }
}

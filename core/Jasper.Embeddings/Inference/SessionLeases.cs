namespace Jasper.Embeddings.Inference;

/// <summary>
/// Counts the calls using a native session so that it is released after the last of them, never under one: a run
/// on a released ONNX Runtime session reads freed memory, which ends the process where no handler can catch it.
/// The owner holds one lease from the start and gives it up in <see cref="Dispose"/>; after that, new calls are
/// refused with <see cref="ObjectDisposedException"/>, and calls already in flight finish.
/// </summary>
internal sealed class SessionLeases(object owner, Action release) : IDisposable
{
    private int _leases = 1; // the owner's
    private int _disposed;

    /// <summary>Takes a lease for one call, which must give it back with <see cref="Return"/>.</summary>
    /// <exception cref="ObjectDisposedException">The owner has been disposed.</exception>
    public void Take()
    {
        while (true)
        {
            int leases = Volatile.Read(ref _leases);
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1 || leases == 0, owner);
            if (Interlocked.CompareExchange(ref _leases, leases + 1, leases) == leases)
            {
                return;
            }
        }
    }

    /// <summary>Gives back a lease; the last one releases the session.</summary>
    public void Return()
    {
        if (Interlocked.Decrement(ref _leases) == 0)
        {
            release();
        }
    }

    /// <summary>Gives back the owner's lease, once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Return();
        }
    }
}

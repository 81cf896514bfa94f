namespace Jasper.Azure.Distribution;

/// <summary>
/// What the Sweep timer does: finish what failures left behind. Completion events that no delivery managed to send
/// (Service Bus down through every retry of the completing message) are sent from the outbox.
/// </summary>
public sealed class DocumentSweep
{
    private readonly CompletionOutbox _outbox;

    internal DocumentSweep(CompletionOutbox outbox) => _outbox = outbox;

    /// <summary>Sends every pending completion event; returns how many went out.</summary>
    public Task<int> ResendPendingEventsAsync(CancellationToken cancellationToken = default) => _outbox.SendAsync(documentId: null, cancellationToken);
}

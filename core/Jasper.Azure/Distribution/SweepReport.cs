namespace Jasper.Azure.Distribution;

/// <summary>What one sweep did.</summary>
/// <param name="Failed">Documents it failed (a part poisoned by the runtime, or stuck past its re-queues).</param>
/// <param name="Requeued">Work items it queued again for stuck documents.</param>
/// <param name="EventsSent">Completion events it sent from the outbox.</param>
/// <param name="Removed">Recorded documents it removed because their blobs were deleted (<see cref="DocumentRemoval"/>).</param>
public sealed record SweepReport(int Failed, int Requeued, int EventsSent, int Removed);

namespace Jasper.Azure.Distribution;

/// <summary>What one run of the reconciliation did.</summary>
/// <param name="Removed">Recorded documents it removed because their blobs were gone.</param>
/// <param name="Planned">Blobs it planned and queued because no upload event had (a new version queued).</param>
/// <param name="Outcome">Whether it finished the reconciliation, stopped part way, or had nothing due.</param>
/// <param name="Failed">
/// Documents or blobs whose removal or planning failed (each named in the log); the next reconciliation tries them
/// again.
/// </param>
public sealed record ReconcileReport(int Removed, int Planned, ReconcileOutcome Outcome, int Failed = 0);

namespace Jasper.Azure.Distribution;

/// <summary>How one run of the reconciliation ended.</summary>
public enum ReconcileOutcome
{
    /// <summary>The last reconciliation finished less than <see cref="DistributionOptions.ReconcileInterval"/> ago: the run did nothing.</summary>
    NotDue,

    /// <summary>
    /// The run stopped before the end, after <see cref="DistributionOptions.ReconcileRunTime"/> (or because another run
    /// was saving its place too); the next run resumes where it stopped.
    /// </summary>
    Paused,

    /// <summary>The run reached the end of both passes.</summary>
    Finished,
}

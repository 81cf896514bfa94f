namespace Jasper.Azure.Distribution;

/// <summary>
/// Where a reconciliation stands between runs: which pass, the listing's continuation within it, and the totals so far.
/// Saved after every page, so a run that is stopped (its run time, a host shutting down, the function timeout) loses
/// one page at most, and a corpus too large for one run is covered over several.
/// </summary>
/// <param name="Started">When the reconciliation started (its first run).</param>
/// <param name="Pass">The pass it is in.</param>
/// <param name="Continuation">Where the pass's listing resumes; null at its start.</param>
/// <param name="Finished">When it reached the end of both passes; null while it has not.</param>
/// <param name="Removed">Documents removed so far.</param>
/// <param name="Planned">Blobs planned so far.</param>
internal sealed record ReconcileCursor(
    DateTimeOffset Started, ReconcilePass Pass, string? Continuation, DateTimeOffset? Finished, int Removed, int Planned)
{
    /// <summary>A reconciliation starting now, at the start of its first pass.</summary>
    public static ReconcileCursor Start(DateTimeOffset now) => new(now, ReconcilePass.Removals, null, null, 0, 0);

    /// <summary>
    /// The cursor after a page of the current pass that removed or planned <paramref name="done"/> and whose listing
    /// continues at <paramref name="next"/> (null: the pass is over, and the next one starts, or the whole ends).
    /// </summary>
    public ReconcileCursor After(int done, string? next, DateTimeOffset now)
    {
        var counted = Pass == ReconcilePass.Removals ? this with { Removed = Removed + done } : this with { Planned = Planned + done };
        return next is not null ? counted with { Continuation = next }
            : Pass == ReconcilePass.Removals ? counted with { Pass = ReconcilePass.Uploads, Continuation = null }
            : counted with { Continuation = null, Finished = now };
    }
}

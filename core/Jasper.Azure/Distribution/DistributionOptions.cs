namespace Jasper.Azure.Distribution;

/// <summary>Containers, table and retry settings of the distributed ingestion (configuration section <c>Jasper:Distribution</c>).</summary>
public sealed class DistributionOptions
{
    /// <summary>Where chunk sets wait for the workers.</summary>
    public string WorkContainer { get; set; } = "work";

    /// <summary>Where the blob sink writes records.</summary>
    public string VectorsContainer { get; set; } = "vectors";

    /// <summary>Table of document status.</summary>
    public string StatusTable { get; set; } = "jasperdocuments";

    /// <summary>Chunks per work item.</summary>
    public int PartSize { get; set; } = 32;

    /// <summary>
    /// Deliveries before a work item is given up: the worker then records the reason and moves the message to the
    /// poison queue itself. Must equal host.json's <c>extensions.queues.maxDequeueCount</c>.
    /// </summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>
    /// How long a queued document may go without any part finishing before the sweep treats it as stuck (a work
    /// item lost, or a worker killed on every delivery) and queues its missing parts again.
    /// </summary>
    public TimeSpan StuckAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How many times the sweep queues a stuck document's missing parts again before it fails the document.</summary>
    public int MaxRequeues { get; set; } = 2;

    /// <summary>
    /// How often a reconciliation starts (see <c>DocumentReconciliation</c>): the hourly Reconcile timer starts one when
    /// the last started at least this long ago and has finished.
    /// </summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How long one run of the Reconcile timer works before it saves its place and stops, to resume in the next run
    /// an hour later. Must leave a page's worth of time below host.json's <c>functionTimeout</c>.
    /// </summary>
    public TimeSpan ReconcileRunTime { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>Documents, or blobs, a reconciliation checks between two saves of its place (Table storage returns 1,000 at most).</summary>
    public int ReconcilePageSize { get; set; } = 1000;
}

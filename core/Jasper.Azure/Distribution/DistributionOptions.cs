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
}

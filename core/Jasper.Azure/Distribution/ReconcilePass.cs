namespace Jasper.Azure.Distribution;

/// <summary>The two passes of a reconciliation, in the order it runs them.</summary>
internal enum ReconcilePass
{
    /// <summary>Recorded documents whose blobs are gone are removed.</summary>
    Removals,

    /// <summary>Blobs no upload event planned are planned.</summary>
    Uploads,
}

namespace Jasper.Ingestion.Pipeline;

/// <summary>How ingesting one document ended.</summary>
public enum DocumentStatus
{
    /// <summary>Its vectors were written.</summary>
    Succeeded,

    /// <summary>The sink already held this exact version; nothing was written.</summary>
    Unchanged,

    /// <summary>It could not be ingested; <see cref="DocumentReport.Error"/> says why.</summary>
    Failed,
}

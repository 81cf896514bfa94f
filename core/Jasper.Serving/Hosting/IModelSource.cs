namespace Jasper.Serving.Hosting;

/// <summary>
/// Where a <see cref="ModelHost"/> gets its model directory from when it is not a local path: a download from blob
/// storage, for instance (<c>Jasper.Azure</c>). The host calls it once, in the background.
/// </summary>
public interface IModelSource
{
    /// <summary>What the source is, for logs and errors (a path, <c>container/prefix</c>, ...).</summary>
    string Description { get; }

    /// <summary>Makes the model available locally and returns its directory.</summary>
    Task<string> GetDirectoryAsync(CancellationToken cancellationToken);
}

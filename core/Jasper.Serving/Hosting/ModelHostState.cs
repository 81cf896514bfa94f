namespace Jasper.Serving.Hosting;

/// <summary>Where a <see cref="ModelHost"/> is.</summary>
public enum ModelHostState
{
    /// <summary>Downloading or loading; requests wait or get 503.</summary>
    Loading,

    /// <summary>Serving.</summary>
    Ready,

    /// <summary>The model could not be loaded; <see cref="ModelHost.FailureReason"/> says why.</summary>
    Failed,
}

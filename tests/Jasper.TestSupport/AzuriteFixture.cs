namespace Jasper.TestSupport;

/// <summary>
/// The Azurite of this test assembly (xunit 2 has no assembly fixtures, so every class fixture shares one emulator,
/// started on first use and stopped when the test process exits). Tests isolate themselves by container, queue,
/// table and blob names, never by emulator.
/// </summary>
public sealed class AzuriteFixture
{
    private static readonly Lazy<Azurite> Shared = new(() => Azurite.StartAsync().GetAwaiter().GetResult());

    /// <summary>The running emulator.</summary>
    public Azurite Emulator { get; } = Shared.Value;
}

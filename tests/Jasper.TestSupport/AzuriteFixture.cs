namespace Jasper.TestSupport;

/// <summary>One Azurite per test class (xunit class fixture); xunit 2 disposes fixtures synchronously.</summary>
public sealed class AzuriteFixture : IDisposable
{
    private readonly Lazy<Azurite> _emulator = new(() => Azurite.StartAsync().GetAwaiter().GetResult());

    /// <summary>The running emulator.</summary>
    public Azurite Emulator => _emulator.Value;

    public void Dispose()
    {
        if (_emulator.IsValueCreated)
        {
            _emulator.Value.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}

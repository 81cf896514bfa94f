using System.Diagnostics.Metrics;

namespace Jasper.Ingestion.Telemetry;

/// <summary>
/// The meter a component measures on: one from the host's <see cref="IMeterFactory"/> when it has one (the factory
/// owns it and disposes it with itself), else one of the component's own, which disposing this disposes.
/// </summary>
public sealed class ComponentMeter : IDisposable
{
    private readonly bool _owned;

    /// <summary>Gets the meter <paramref name="name"/> from <paramref name="meterFactory"/>, or makes one.</summary>
    public ComponentMeter(string name, IMeterFactory? meterFactory)
    {
        _owned = meterFactory is null;
        Meter = meterFactory?.Create(new MeterOptions(name)) ?? new Meter(name);
    }

    /// <summary>The meter.</summary>
    public Meter Meter { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_owned)
        {
            Meter.Dispose();
        }
    }
}

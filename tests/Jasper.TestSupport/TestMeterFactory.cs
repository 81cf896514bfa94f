using System.Diagnostics.Metrics;

namespace Jasper.TestSupport;

/// <summary>
/// An <see cref="IMeterFactory"/> whose meters carry it as their scope, so a test's collector (scoped to this factory)
/// sees only the measurements of the objects it built, not those of tests running beside it.
/// </summary>
public sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
        lock (_meters)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    public void Dispose()
    {
        lock (_meters)
        {
            _meters.ForEach(m => m.Dispose());
            _meters.Clear();
        }
    }
}

using Jasper.Cli.Benchmarking;

namespace Jasper.Cli.Tests.Benchmarking;

public sealed class BenchOptionsTests
{
    [Fact]
    public void The_MatMul_probe_measures_as_long_as_a_cell_and_at_most_one_and_a_half_seconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(1.5), new BenchOptions { WorkDirectory = "w" }.ProbeTime);
        Assert.Equal(TimeSpan.Zero, new BenchOptions { WorkDirectory = "w", CellTime = TimeSpan.Zero }.ProbeTime);
        Assert.Equal(TimeSpan.FromSeconds(1), new BenchOptions { WorkDirectory = "w", CellTime = TimeSpan.FromSeconds(1) }.ProbeTime);
    }
}

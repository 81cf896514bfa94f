using Jasper.Serving.Batching;
using Jasper.Serving.Hosting;

namespace Jasper.Serving.Tests.Hosting;

public sealed class ModelHostTests
{
    [Fact]
    public async Task A_batching_setting_that_cannot_work_fails_loading_before_the_model_is_read()
    {
        await using var host = new ModelHost(new ModelHostOptions
        {
            Path = Path.Combine(Path.GetTempPath(), "jasper-tests", "no-such-model-" + Guid.NewGuid().ToString("N")),
            Batching = new DynamicBatchingOptions { MaxBatchTokens = 0 },
        });

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => host.WaitReadyAsync());
        Assert.Equal(ModelHostState.Failed, host.State);
        Assert.Contains("Batching:MaxBatchTokens must be at least 1 token", host.FailureReason, StringComparison.Ordinal);
    }
}

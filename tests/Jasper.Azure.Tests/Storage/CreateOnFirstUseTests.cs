using Jasper.Azure.Storage;

namespace Jasper.Azure.Tests.Storage;

public sealed class CreateOnFirstUseTests
{
    [Fact]
    public async Task A_failed_creation_is_not_remembered_and_the_next_use_creates()
    {
        int attempts = 0;
        var creation = new CreateOnFirstUse(_ => ++attempts == 1 ? Task.FromException(new IOException("transient")) : Task.CompletedTask);

        await Assert.ThrowsAsync<IOException>(() => creation.EnsureAsync(CancellationToken.None));
        await creation.EnsureAsync(CancellationToken.None);
        await creation.EnsureAsync(CancellationToken.None);

        Assert.Equal(2, attempts); // once failed, once created, then never again
    }

    [Fact]
    public async Task Concurrent_first_uses_share_one_attempt_and_a_cancelled_caller_does_not_cancel_it()
    {
        int attempts = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var creation = new CreateOnFirstUse(_ =>
        {
            attempts++;
            return gate.Task;
        });
        using var impatient = new CancellationTokenSource();

        var waiting = Enumerable.Range(0, 4).Select(_ => creation.EnsureAsync(CancellationToken.None)).ToList();
        var cancelled = creation.EnsureAsync(impatient.Token);
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        gate.SetResult();
        await Task.WhenAll(waiting);

        Assert.Equal(1, attempts);
    }
}

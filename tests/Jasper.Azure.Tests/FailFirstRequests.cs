using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Jasper.Azure.Tests;

/// <summary>
/// An Azure SDK pipeline policy that fails the first <c>count</c> requests of a client with a 503 before they leave
/// (added per call, so before the SDK's retries): a transient outage at start-up, against a real emulator.
/// </summary>
internal sealed class FailFirstRequests(int count) : HttpPipelinePolicy
{
    private int _seen;

    /// <summary>Requests failed so far.</summary>
    public int Failed => Math.Min(count, Volatile.Read(ref _seen));

    public static T Options<T>(T options, FailFirstRequests policy)
        where T : ClientOptions
    {
        options.AddPolicy(policy, HttpPipelinePosition.PerCall);
        return options;
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        FailIfDue();
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        FailIfDue();
        return ProcessNextAsync(message, pipeline);
    }

    private void FailIfDue()
    {
        if (Interlocked.Increment(ref _seen) <= count)
        {
            throw new RequestFailedException(503, "The service is unavailable (a transient failure the test injected).");
        }
    }
}

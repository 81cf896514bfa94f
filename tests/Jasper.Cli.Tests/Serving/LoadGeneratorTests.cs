using Jasper.Cli.Serving;
using Jasper.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Jasper.Cli.Tests.Serving;

/// <summary>What a load run counts: the requests a server answered, not the ones it refused.</summary>
public sealed class LoadGeneratorTests
{
    private const int AnswerDelayMilliseconds = 100;

    [Fact]
    public async Task Rates_and_latencies_are_of_answered_requests_and_refusals_are_counted_apart()
    {
        // A real HTTP server that answers one request in four with embeddings after 100 ms and refuses the other three at
        // once (429, as a saturated server does).
        int served = 0, refused = 0;
        await using var server = await LocalHttpServer.StartAsync(app => app.Run(async context =>
        {
            context.Response.ContentType = "application/json";
            if (Interlocked.Increment(ref served) % 4 != 1)
            {
                Interlocked.Increment(ref refused);
                context.Response.StatusCode = 429;
                await context.Response.WriteAsync("""{"error": {"message": "busy", "type": "rate_limit_error", "param": null, "code": "server_busy"}}""");
                return;
            }

            await Task.Delay(AnswerDelayMilliseconds);
            await context.Response.WriteAsync("""{"object": "list", "data": [{"object": "embedding", "index": 0, "embedding": "AACAPw=="}], "model": "m", "usage": {"prompt_tokens": 7, "total_tokens": 7}}""");
        }));

        var load = new LoadGenerator(server.BaseAddress, clients: 1);
        await load.RunAsync(TimeSpan.Zero, TimeSpan.FromSeconds(0.3), CancellationToken.None); // warm, and not counted below
        int servedBefore = served, refusedBefore = refused;

        var summary = await load.RunAsync(TimeSpan.Zero, TimeSpan.FromSeconds(1.5), CancellationToken.None);
        int requests = served - servedBefore, refusals = refused - refusedBefore;

        // Four requests in a row or more hold an answer and three refusals to each answer but one.
        Assert.True(requests >= 4, load.Describe(summary));
        Assert.Equal(requests, summary.Requests);
        Assert.Equal(refusals, summary.Errors);
        Assert.Equal(new Dictionary<int, int> { [429] = refusals }, summary.ErrorsByStatus);
        Assert.Equal((requests - refusals) / summary.Seconds, summary.RequestsPerSecond, 9);
        Assert.Equal(7, summary.TokensPerRequest);
        // Every answer took the server's 100 ms; the refusals, which took none and are most of the requests, are not
        // among the latencies (or the median would be one of theirs).
        Assert.True(summary.P50Milliseconds >= AnswerDelayMilliseconds * 0.9, $"p50 {summary.P50Milliseconds} ms");
    }
}

using System.Text;
using Jasper.Serving.Api;
using Jasper.Serving.Batching;
using Jasper.Serving.Hosting;
using Jasper.TestSupport;

namespace Jasper.Serving.Tests.Api;

/// <summary>A client that goes away while its texts are in ONNX Runtime is a cancellation, not a server failure.</summary>
public sealed class CancellationTests
{
    [Fact]
    public async Task A_client_that_disconnects_during_the_run_cancels_the_request_instead_of_getting_a_500()
    {
        using var disconnect = new CancellationTokenSource();
        var log = new CancelOnLogMessage(disconnect, "Inference:"); // the request is aborted once its run has begun
        await using var host = new ModelHost(
            new ModelHostOptions { Path = TinyModels.Fp32, Batching = new DynamicBatchingOptions { Enabled = false } },
            loggerFactory: log);
        await host.WaitReadyAsync();
        var api = new EmbeddingApi(host, new EmbeddingApiOptions(), new Jasper.Ingestion.Policy.CompressionPolicyOptions());

        var error = await Record.ExceptionAsync(() => api.NativeEmbedAsync(new MemoryStream(Encoding.UTF8.GetBytes("""{"input": "a text"}""")), disconnect.Token));

        Assert.Equal(1, log.Seen);
        Assert.IsAssignableFrom<OperationCanceledException>(error); // ASP.NET Core and the Functions host treat it as an abort
        var next = await api.NativeEmbedAsync(new MemoryStream(Encoding.UTF8.GetBytes("""{"input": "a text"}""")));
        Assert.Equal(200, next.StatusCode);
    }
}

using Jasper.Embeddings.Hub;
using Jasper.Embeddings.Inference;
using Jasper.Embeddings.Numerics;
using Jasper.Embeddings.Tests.Conversion;
using Jasper.TestSupport;

namespace Jasper.Embeddings.Tests.Hub;

/// <summary>`jasper model pull` against a hub served on 127.0.0.1 from the synthetic checkpoint.</summary>
[Collection(TinyModelGroup.Name)]
public sealed class HubClientTests
{
    [Fact]
    public async Task Pull_downloads_resumes_after_a_dropped_connection_verifies_and_converts()
    {
        await using var hub = await FakeHub.StartAsync(TinyModels.Checkpoint);
        hub.DropOnce = "model.safetensors";
        using var dir = new TempDirectory();
        using var client = new HubClient(new HubOptions { Endpoint = hub.Endpoint });
        var seen = new List<DownloadProgress>();

        var manifest = await ModelPuller.PullAsync(client, new ModelPullOptions
        {
            Repository = hub.Repository,
            OutputDirectory = dir.Path,
            DownloadProgress = new SynchronousProgress<DownloadProgress>(seen.Add),
        });

        Assert.Contains(hub.Requests, r => r.StartsWith("GET model.safetensors bytes=", StringComparison.Ordinal));
        Assert.DoesNotContain(hub.Requests, r => r.Contains("onnx/", StringComparison.Ordinal));
        Assert.Contains(seen, p => p.File == "model.safetensors" && p.BytesDone == p.BytesTotal);
        Assert.Equal(hub.Repository, manifest.Source.Checkpoint);
        Assert.Equal(FakeHub.Commit, manifest.Source.Revision);
        Assert.False(Directory.Exists(dir.Combine(ModelPuller.CheckpointSubdirectory)));

        using var pulled = JasperEncoder.Load(dir.Path);
        using var reference = JasperEncoder.Load(TinyModels.Fp32);
        var input = new[] { new EmbeddingInput(Goldens.ModelCases[20].Text) };
        float[] a = (await pulled.EmbedAsync(input))[0].Vector;
        float[] b = (await reference.EmbedAsync(input))[0].Vector;
        Assert.True(VectorMath.Cosine(a, b) >= 0.99999);
    }

    [Fact]
    public async Task A_partial_file_from_an_earlier_run_is_resumed_with_a_range_request()
    {
        await using var hub = await FakeHub.StartAsync(TinyModels.Checkpoint);
        using var dir = new TempDirectory();
        byte[] weights = await File.ReadAllBytesAsync(Path.Combine(TinyModels.Checkpoint, "model.safetensors"));
        await File.WriteAllBytesAsync(dir.Combine("model.safetensors.incomplete"), weights[..(weights.Length / 3)]);
        using var client = new HubClient(new HubOptions { Endpoint = hub.Endpoint });

        await client.DownloadCheckpointAsync(hub.Repository, "main", dir.Path);

        Assert.Contains($"GET model.safetensors bytes={weights.Length / 3}-", hub.Requests);
        Assert.Equal(weights, await File.ReadAllBytesAsync(dir.Combine("model.safetensors")));
        Assert.False(File.Exists(dir.Combine("model.safetensors.incomplete")));
    }

    [Fact]
    public async Task Files_already_complete_are_not_downloaded_again()
    {
        await using var hub = await FakeHub.StartAsync(TinyModels.Checkpoint);
        using var dir = new TempDirectory();
        using var client = new HubClient(new HubOptions { Endpoint = hub.Endpoint });
        await client.DownloadCheckpointAsync(hub.Repository, "main", dir.Path);
        int before = hub.Requests.Count;
        await client.DownloadCheckpointAsync(hub.Repository, "main", dir.Path);
        Assert.Equal(before + 1, hub.Requests.Count); // only the listing
    }

    [Fact]
    public async Task A_checksum_mismatch_discards_the_file_and_says_so()
    {
        await using var hub = await FakeHub.StartAsync(TinyModels.Checkpoint);
        hub.Corrupt = "model.safetensors";
        using var dir = new TempDirectory();
        using var client = new HubClient(new HubOptions { Endpoint = hub.Endpoint });

        var error = await Assert.ThrowsAsync<HubException>(() => client.DownloadCheckpointAsync(hub.Repository, "main", dir.Path));

        Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.Combine("model.safetensors")));
        Assert.False(File.Exists(dir.Combine("model.safetensors.incomplete")));
    }

    [Fact]
    public async Task Hub_errors_say_what_to_do()
    {
        await using var hub = await FakeHub.StartAsync(TinyModels.Checkpoint);
        using var dir = new TempDirectory();
        using var client = new HubClient(new HubOptions { Endpoint = hub.Endpoint });

        Assert.Contains("not found", (await Assert.ThrowsAsync<HubException>(() => client.DownloadCheckpointAsync("nobody/nothing", "main", dir.Path))).Message, StringComparison.Ordinal);
        hub.RequireToken = true;
        Assert.Contains("HF_TOKEN", (await Assert.ThrowsAsync<HubException>(() => client.DownloadCheckpointAsync(hub.Repository, "main", dir.Path))).Message, StringComparison.Ordinal);

        using var unreachable = new HubClient(new HubOptions { Endpoint = new Uri("http://127.0.0.1:9/") });
        Assert.Contains("Cannot reach", (await Assert.ThrowsAsync<HubException>(() => unreachable.DownloadCheckpointAsync(hub.Repository, "main", dir.Path))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_that_accepts_and_never_answers_fails_after_the_response_timeout_and_the_retries()
    {
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var held = new System.Collections.Concurrent.ConcurrentQueue<System.Net.Sockets.TcpClient>();
        using var accepted = new SemaphoreSlim(0);
        _ = Task.Run(async () =>
        {
            while (true)
            {
                held.Enqueue(await silent.AcceptTcpClientAsync()); // accepted, never answered
                accepted.Release();
            }
        });
        var endpoint = new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)silent.LocalEndpoint).Port}/");
        // The response timeout also bounds connecting: 2 s, not less, so that a loaded test machine still connects
        // within each attempt and the listener sees both (at 0.3 s a clean-clone run once saw one).
        using var client = new HubClient(new HubOptions { Endpoint = endpoint, ResponseTimeout = TimeSpan.FromSeconds(2), MaxAttempts = 2 });
        using var dir = new TempDirectory();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // without a timeout the call would never end

        var error = await Assert.ThrowsAsync<HubException>(() => client.DownloadCheckpointAsync("org/model", "main", dir.Path, cancellationToken: guard.Token));

        Assert.Contains("did not answer within 2 s", error.Message, StringComparison.Ordinal);
        Assert.Contains("2 attempts", error.Message, StringComparison.Ordinal);

        // The second connection can reach the listener's backlog before the accept loop takes it: wait for both.
        await accepted.WaitAsync(guard.Token);
        await accepted.WaitAsync(guard.Token);
        Assert.Equal(2, held.Count);
    }

    [Fact]
    public void The_endpoint_and_token_come_from_HF_ENDPOINT_and_HF_TOKEN()
    {
        var environment = new Dictionary<string, string> { ["HF_ENDPOINT"] = "http://127.0.0.1:5555", ["HF_TOKEN"] = "hf_secret" };
        var options = HubOptions.FromEnvironment(name => environment.GetValueOrDefault(name));
        Assert.Equal(new Uri("http://127.0.0.1:5555"), options.Endpoint);
        Assert.Equal("hf_secret", options.Token);

        Assert.Equal(HubOptions.DefaultEndpoint, HubOptions.FromEnvironment(_ => null).Endpoint);
    }

    [Fact]
    public void A_handler_given_to_the_client_is_not_disposed_with_it()
    {
        using var handler = new DisposalRecordingHandler();
        new HubClient(new HubOptions { Endpoint = new Uri("http://127.0.0.1:9/") }, handler).Dispose();

        Assert.False(handler.Disposed);
    }

    private sealed class DisposalRecordingHandler : HttpMessageHandler
    {
        public bool Disposed { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.NoContent));

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}

using System.Text.Json;
using Jasper.Serving.Api;
using Jasper.Serving.Hosting;
using Jasper.TestSupport;
using Microsoft.AspNetCore.Http;

namespace Jasper.Serving.Tests.Api;

/// <summary>A body that cannot be read (too slow, too large for the server) is the client's error, with the server's status.</summary>
public sealed class RequestBodyTests
{
    [Theory]
    [InlineData(StatusCodes.Status408RequestTimeout, "request_timeout")]
    [InlineData(StatusCodes.Status413PayloadTooLarge, "payload_too_large")]
    [InlineData(StatusCodes.Status400BadRequest, "bad_request")]
    public async Task A_body_the_server_refuses_to_read_keeps_the_servers_status(int status, string code)
    {
        await using var host = new ModelHost(new ModelHostOptions { Path = TinyModels.Fp32 });
        await host.WaitReadyAsync();
        var api = new EmbeddingApi(host, new EmbeddingApiOptions(), new Jasper.Ingestion.Policy.CompressionPolicyOptions());

        var response = await api.OpenAIEmbeddingsAsync(new UnreadableStream(new BadHttpRequestException("refused by the server", status)));

        Assert.Equal(status, response.StatusCode);
        using var error = JsonDocument.Parse(response.Body);
        Assert.Equal(code, error.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Bodies_held_at_once_are_bounded_and_past_the_bound_a_request_is_told_to_retry()
    {
        // 64 requests of 15 MB each held 3.4 GB: what requests hold together is counted as they are read.
        await using var host = new ModelHost(new ModelHostOptions { Path = TinyModels.Fp32 });
        await host.WaitReadyAsync();
        var api = new EmbeddingApi(host, new EmbeddingApiOptions { MaxBufferedRequestBytes = 1 << 20 }, new Jasper.Ingestion.Policy.CompressionPolicyOptions());
        byte[] large = JsonSerializer.SerializeToUtf8Bytes(new { input = new string('x', 600_000) });

        var slow = new HeldStream(large, holdAfter: large.Length - 10); // 600 KB read, the rest withheld for now
        var first = api.OpenAIEmbeddingsAsync(slow);
        await slow.Holding;

        var second = await api.OpenAIEmbeddingsAsync(new MemoryStream(large));
        Assert.Equal(429, second.StatusCode);
        Assert.Equal("1", second.Headers["Retry-After"]);
        using (var error = JsonDocument.Parse(second.Body))
        {
            Assert.Equal("server_busy", error.RootElement.GetProperty("error").GetProperty("code").GetString());
        }

        slow.Release();
        Assert.NotEqual(429, (await first).StatusCode); // the first finishes (too long for the model: a 400), and frees its share
        var third = await api.OpenAIEmbeddingsAsync(new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(new { input = "short" })));
        Assert.Equal(200, third.StatusCode);
        Assert.Equal(0, api.BufferedRequestBytes);
    }

    // Gives its bytes up to a point, then waits until released: a client that is still sending.
    private sealed class HeldStream(byte[] data, int holdAfter) : Stream
    {
        private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _position;

        public Task Holding => _holding.Task;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public void Release() => _released.TrySetResult();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= holdAfter && !_released.Task.IsCompleted)
            {
                _holding.TrySetResult();
                await _released.Task.WaitAsync(cancellationToken);
            }

            int limit = _released.Task.IsCompleted ? data.Length : holdAfter;
            int count = Math.Min(buffer.Length, limit - _position);
            data.AsMemory(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class UnreadableStream(Exception failure) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw failure;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => throw failure;

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

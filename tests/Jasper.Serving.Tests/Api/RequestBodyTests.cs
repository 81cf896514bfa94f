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

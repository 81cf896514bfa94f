using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Jasper.Cli.Tests;

/// <summary>`jasper loadtest` against servers that refuse work or are not there.</summary>
public sealed class LoadTestCommandTests
{
    [Fact]
    public async Task A_server_that_is_not_there_is_one_clear_error_line_not_a_stack_trace()
    {
        int port = FreePort(); // nothing listens on it
        var (code, output, error) = await CliRunner.RunAsync("loadtest", "--url", $"http://127.0.0.1:{port}/", "--seconds", "1", "--warmup", "0", "--clients", "2");

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.StartsWith($"error: could not reach http://127.0.0.1:{port}/", error, StringComparison.Ordinal);
        Assert.Contains("jasper serve", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_are_reported_by_status_code()
    {
        // A real HTTP server that answers every other request 429 and the rest 503, as a saturated server would.
        using var listener = new HttpListener();
        int port = FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        int served = 0;
        var answering = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (HttpListenerException)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                context.Response.StatusCode = Interlocked.Increment(ref served) % 2 == 0 ? 429 : 503;
                byte[] body = Encoding.UTF8.GetBytes("""{"error": {"message": "busy", "type": "rate_limit_error", "param": null, "code": "server_busy"}}""");
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });

        var (code, output, error) = await CliRunner.RunAsync("loadtest", "--url", $"http://127.0.0.1:{port}/", "--seconds", "0.5", "--warmup", "0", "--clients", "1");
        listener.Stop();
        await answering;

        Assert.True(code == 1, error);
        // However many requests the half second allows, the statuses named add up to the errors counted.
        var match = System.Text.RegularExpressions.Regex.Match(output, @"; (\d+) errors \(((?:(?:429|503): \d+(?:, )?)+)\)");
        Assert.True(match.Success, output);
        int byStatus = match.Groups[2].Value.Split(", ").Sum(part => int.Parse(part.Split(": ")[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), byStatus);
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Jasper.TestSupport;

/// <summary>
/// Azurite, the Azure Storage emulator, started by the tests themselves from the npm package (package.json):
/// blob, queue and table services on free loopback ports, in memory, stopped on dispose.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    /// <summary>The emulator's well-known development account key (public, documented by Microsoft).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;

    private Azurite(Process process, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    /// <summary>A connection string for all three services.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    public static async Task<Azurite> StartAsync()
    {
        string script = Path.Combine(RepoPaths.Root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"{script} is missing; `npm ci` at the repository root installs it (the test build runs it).");
        }

        // Free ports are chosen before Azurite binds them, and test assemblies run in parallel: another server can take
        // one in between, and Azurite then exits. Such a start is retried on fresh ports.
        for (int attempt = 1; ; attempt++)
        {
            var azurite = Launch(script, [FreePort(), FreePort(), FreePort()]);
            try
            {
                await azurite.WaitUntilListeningAsync();
                return azurite;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                await azurite.DisposeAsync();
            }
        }
    }

    private static Azurite Launch(string script, int[] ports)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[]
        {
            script, "--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose",
            "--blobHost", "127.0.0.1", "--blobPort", ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", ports[2].ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopQuietly(process); // never outlive the test run
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new Azurite(process, ports[0], ports[1], ports[2]);
    }

    public async ValueTask DisposeAsync()
    {
        StopQuietly(_process);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static void StopQuietly(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // Ready when each port answers HTTP as Azurite (its Server header): a port that another server took in between
    // answers otherwise, or Azurite exits, and the start is retried on fresh ports.
    private async Task WaitUntilListeningAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        foreach (int port in new[] { BlobPort, QueuePort, TablePort })
        {
            while (true)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"Azurite exited with code {_process.ExitCode} before listening.");
                }

                try
                {
                    using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/"));
                    string server = response.Headers.Server.ToString();
                    if (server.StartsWith("Azurite", StringComparison.Ordinal))
                    {
                        break;
                    }

                    throw new InvalidOperationException($"Port {port} answers as '{server}', not Azurite: another server took it.");
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100); // not listening yet: poll again
                }
            }
        }
    }
}

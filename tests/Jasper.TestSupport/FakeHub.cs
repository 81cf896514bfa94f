using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Jasper.TestSupport;

/// <summary>
/// A Hugging Face hub on 127.0.0.1 serving one repository from a local checkpoint directory: the model listing
/// (with LFS sizes and SHA-256 for weights) and file downloads with HTTP range support. It can drop a connection
/// half-way through a file, or serve bytes that do not match the listed checksum.
/// </summary>
public sealed class FakeHub : IAsyncDisposable
{
    public const string DefaultRepository = "test-org/jasper-tiny";
    public const string Commit = "0123456789abcdef0123456789abcdef01234567";

    private readonly LocalHttpServer _server;

    private FakeHub(LocalHttpServer server, string repository)
    {
        _server = server;
        Repository = repository;
    }

    /// <summary>The one repository served.</summary>
    public string Repository { get; }

    public Uri Endpoint => _server.BaseAddress;

    /// <summary>Requests seen: "GET path [range]".</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>File whose first download is cut after half its bytes.</summary>
    public string? DropOnce { get; set; }

    /// <summary>File served with one byte flipped.</summary>
    public string? Corrupt { get; set; }

    /// <summary>Answer every request with 401.</summary>
    public bool RequireToken { get; set; }

    public static async Task<FakeHub> StartAsync(string checkpointDirectory, string repository = DefaultRepository)
    {
        FakeHub? hub = null;
        var server = await LocalHttpServer.StartAsync(app =>
        {
            app.MapGet("/api/models/{owner}/{name}/revision/{revision}", (HttpContext context, string owner, string name) =>
                hub!.Listing(context, $"{owner}/{name}", checkpointDirectory));
            app.MapGet("/{owner}/{name}/resolve/{revision}/{**path}", (HttpContext context, string owner, string name, string revision, string path) =>
                hub!.ServeAsync(context, $"{owner}/{name}", revision, Path.Combine(checkpointDirectory, path), path));
        });
        hub = new FakeHub(server, repository);
        return hub;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private IResult Listing(HttpContext context, string repository, string directory)
    {
        Requests.Enqueue($"GET {context.Request.Path}");
        if (RequireToken && context.Request.Headers.Authorization.Count == 0)
        {
            return Results.StatusCode(401);
        }

        if (repository != Repository)
        {
            return Results.NotFound();
        }

        var siblings = new JsonArray();
        foreach (string file in Directory.GetFiles(directory).Order(StringComparer.Ordinal))
        {
            var entry = new JsonObject { ["rfilename"] = Path.GetFileName(file), ["size"] = new FileInfo(file).Length };
            if (file.EndsWith(".safetensors", StringComparison.Ordinal))
            {
                entry["lfs"] = new JsonObject { ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file))), ["size"] = new FileInfo(file).Length };
            }

            siblings.Add(entry);
        }

        siblings.Add(new JsonObject { ["rfilename"] = "onnx/model.onnx", ["size"] = 10 }); // not part of the checkpoint
        return Results.Text(new JsonObject { ["id"] = repository, ["sha"] = Commit, ["siblings"] = siblings }.ToJsonString(), "application/json");
    }

    private async Task ServeAsync(HttpContext context, string repository, string revision, string file, string name)
    {
        string range = context.Request.Headers.Range.ToString();
        Requests.Enqueue($"GET {name} {range}".TrimEnd());
        if (repository != Repository || revision != Commit || !File.Exists(file))
        {
            context.Response.StatusCode = 404;
            return;
        }

        byte[] bytes = await File.ReadAllBytesAsync(file);
        if (name == Corrupt)
        {
            bytes[^1] ^= 0xFF;
        }

        long start = range.StartsWith("bytes=", StringComparison.Ordinal) ? long.Parse(range[6..].TrimEnd('-'), System.Globalization.CultureInfo.InvariantCulture) : 0;
        context.Response.StatusCode = start > 0 ? 206 : 200;
        context.Response.ContentLength = bytes.Length - start;
        if (start > 0)
        {
            context.Response.Headers.ContentRange = $"bytes {start}-{bytes.Length - 1}/{bytes.Length}";
        }

        if (name == DropOnce)
        {
            DropOnce = null;
            await context.Response.Body.WriteAsync(bytes.AsMemory((int)start, (bytes.Length - (int)start) / 2));
            await context.Response.Body.FlushAsync();
            context.Abort();
            return;
        }

        await context.Response.Body.WriteAsync(bytes.AsMemory((int)start));
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Jasper.Embeddings.Models;

namespace Jasper.Embeddings.Hub;

/// <summary>
/// Downloads checkpoints from a Hugging Face hub (or a mirror, from <see cref="HubOptions.Endpoint"/>). Files are
/// pinned to the revision's commit, written to <c>*.incomplete</c> first, resumed with HTTP range requests after an
/// interruption (within a run and across runs), and checked against the size and SHA-256 the hub lists before they
/// take their final name. Cheap to share; dispose to release its connections.
/// </summary>
public sealed class HubClient : IDisposable
{
    private const string IncompleteSuffix = ".incomplete";

    private readonly HttpClient _http;
    private readonly HubOptions _options;

    /// <summary>Creates a client; <paramref name="handler"/> replaces the network stack (tests, proxies) and stays the caller's to dispose.</summary>
    public HubClient(HubOptions? options = null, HttpMessageHandler? handler = null)
    {
        _options = options ?? HubOptions.FromEnvironment();
        _http = handler is null
            ? new HttpClient(new SocketsHttpHandler { ConnectTimeout = _options.ConnectTimeout })
            : new HttpClient(handler, disposeHandler: false); // the caller owns a handler it gives
        _http.Timeout = Timeout.InfiniteTimeSpan; // large files: an idle timeout per read applies instead
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("jasper-serverless/1.0");
        if (_options.Token is { Length: > 0 } token)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>Lists a repository's files at a revision and the commit the revision points to.</summary>
    internal async Task<(string Commit, IReadOnlyList<HubFile> Files)> GetRepositoryAsync(string repository, string revision, CancellationToken cancellationToken = default)
    {
        var uri = new Uri(_options.Endpoint, $"api/models/{repository}/revision/{Uri.EscapeDataString(revision)}?blobs=true");
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                // The listing is small: all of it, headers and body, must arrive within the response timeout.
                using var answer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                answer.CancelAfter(_options.ResponseTimeout);
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                using var response = await SendAsync(request, repository, answer.Token).ConfigureAwait(false);
                await using var stream = await response.Content.ReadAsStreamAsync(answer.Token).ConfigureAwait(false);
                using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: answer.Token).ConfigureAwait(false);
                return ParseListing(doc.RootElement, repository, revision);
            }
            catch (JsonException ex)
            {
                throw UnexpectedListing(repository, ex);
            }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                if (attempt >= _options.MaxAttempts)
                {
                    throw new HubException($"The hub at {_options.Endpoint} did not answer within {Seconds(_options.ResponseTimeout)} s ({attempt} attempts) when listing {repository}. Check the network or HF_ENDPOINT, and run the command again.");
                }
            }
            catch (IOException) when (attempt < _options.MaxAttempts)
            {
                // The connection broke mid-answer: try again.
            }

            await Task.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Downloads the files of a checkpoint in the published layout into <paramref name="directory"/> and returns
    /// the commit they came from. Files already present with the listed size and checksum are kept.
    /// </summary>
    public async Task<string> DownloadCheckpointAsync(string repository, string revision, string directory, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var (commit, listing) = await GetRepositoryAsync(repository, revision, cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(directory);
        foreach (var file in CheckpointFileSelection.Select(listing, repository))
        {
            var uri = new Uri(_options.Endpoint, $"{repository}/resolve/{Uri.EscapeDataString(commit)}/{file.Path}");
            await DownloadFileAsync(uri, file, Path.Combine(directory, file.Path), repository, progress, cancellationToken).ConfigureAwait(false);
        }

        return commit;
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private (string Commit, IReadOnlyList<HubFile> Files) ParseListing(JsonElement root, string repository, string revision)
    {
        try
        {
            string commit = root.TryGetProperty("sha", out var sha) ? sha.GetString() ?? revision : revision;
            return (commit, root.GetProperty("siblings").EnumerateArray().Select(ParseFile).ToList());
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException)
        {
            throw UnexpectedListing(repository, ex);
        }
    }

    private HubException UnexpectedListing(string repository, Exception ex) =>
        new($"The hub at {_options.Endpoint} answered with an unexpected model listing for {repository}: {ex.Message}", ex);

    // Waits grow with each attempt, so a hub that is briefly overloaded is not hammered.
    private static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(250 * attempt * attempt);

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    private static HubFile ParseFile(JsonElement sibling)
    {
        string path = sibling.GetProperty("rfilename").GetString()!;
        long? size = sibling.TryGetProperty("size", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : null;
        string? sha256 = null;
        if (sibling.TryGetProperty("lfs", out var lfs) && lfs.ValueKind == JsonValueKind.Object)
        {
            sha256 = lfs.GetProperty("sha256").GetString();
            size ??= lfs.GetProperty("size").GetInt64();
        }

        return new HubFile(path, size, sha256);
    }

    private async Task DownloadFileAsync(Uri uri, HubFile file, string destination, string repository, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        if (File.Exists(destination) && await MatchesAsync(destination, file, cancellationToken).ConfigureAwait(false))
        {
            progress?.Report(new DownloadProgress(file.Path, new FileInfo(destination).Length, file.Size));
            return;
        }

        string partial = destination + IncompleteSuffix;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                if (await TryTransferAsync(uri, file, partial, repository, progress, cancellationToken).ConfigureAwait(false))
                {
                    break;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                if (attempt >= _options.MaxAttempts)
                {
                    throw new HubException($"Downloading {file.Path} from {_options.Endpoint} failed after {attempt} attempts: {ex.Message}. Run the command again to resume.", ex);
                }
            }

            if (attempt >= _options.MaxAttempts)
            {
                throw new HubException($"Downloading {file.Path} from {_options.Endpoint} stopped short {attempt} times. Run the command again to resume.");
            }

            await Task.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
        }

        if (!await MatchesAsync(partial, file, cancellationToken).ConfigureAwait(false))
        {
            File.Delete(partial);
            throw new HubException($"{file.Path} does not match the size or SHA-256 the hub lists for it; the download was discarded. Run the command again.");
        }

        File.Move(partial, destination, overwrite: true);
    }

    // One request: resumes from what the partial file holds. Returns true when the file is complete.
    private async Task<bool> TryTransferAsync(Uri uri, HubFile file, string partial, string repository, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        long have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        if (file.Size is long size && have >= size)
        {
            return have == size || Restart(partial);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (have > 0)
        {
            request.Headers.Range = new RangeHeaderValue(have, null);
        }

        using var response = await SendAsync(request, repository, cancellationToken, allowRangeNotSatisfiable: true).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            return Restart(partial);
        }

        bool resumed = response.StatusCode == HttpStatusCode.PartialContent;
        long total = file.Size ?? (response.Content.Headers.ContentLength + (resumed ? have : 0)) ?? -1;
        await using var target = new FileStream(partial, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        await using var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        long done = resumed ? have : 0;
        var buffer = new byte[1 << 16];
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        while (true)
        {
            idle.CancelAfter(_options.ResponseTimeout);
            int read = await source.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            done += read;
            progress?.Report(new DownloadProgress(file.Path, done, total < 0 ? null : total));
        }

        return total < 0 || done >= total;
    }

    private static bool Restart(string partial)
    {
        File.Delete(partial);
        return false;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string repository, CancellationToken cancellationToken, bool allowRangeNotSatisfiable = false)
    {
        HttpResponseMessage response;
        using var answer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        answer.CancelAfter(_options.ResponseTimeout);
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, answer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The hub at {_options.Endpoint} did not answer within {Seconds(_options.ResponseTimeout)} s.");
        }
        catch (HttpRequestException ex) when (ex.StatusCode is null)
        {
            throw new HubException(
                $"Cannot reach the Hugging Face hub at {_options.Endpoint} ({ex.Message}). Check the network, set HF_ENDPOINT to a reachable mirror, " +
                "or download the checkpoint another way and run `jasper model convert --source DIR`.", ex);
        }

        if (response.IsSuccessStatusCode || (allowRangeNotSatisfiable && response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable))
        {
            return response;
        }

        using (response)
        {
            throw response.StatusCode switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new HubException(
                    $"The hub refused access to {repository} ({(int)response.StatusCode}); set HF_TOKEN to a token that can read it."),
                HttpStatusCode.NotFound => new HubException($"{request.RequestUri} was not found: check the repository name and revision."),
                _ => new HttpRequestException($"The hub answered {(int)response.StatusCode} {response.ReasonPhrase} for {request.RequestUri}.", null, response.StatusCode),
            };
        }
    }

    private static async Task<bool> MatchesAsync(string path, HubFile file, CancellationToken cancellationToken)
    {
        if (file.Size is long size && new FileInfo(path).Length != size)
        {
            return false;
        }

        return file.Sha256 is null || await FileHash.MatchesAsync(path, file.Sha256, cancellationToken).ConfigureAwait(false);
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Jasper.Embeddings.Inference;
using Jasper.Embeddings.Models;
using Jasper.Embeddings.Numerics;
using Jasper.Embeddings.Tokenization;
using Jasper.Ingestion.Policy;
using Jasper.Ingestion.Serialization;
using Jasper.Ingestion.Vectors;
using Jasper.Serving.Batching;
using Jasper.Serving.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Jasper.Serving.Api;

/// <summary>
/// The embedding HTTP API, independent of the host that serves it (the Functions HTTP triggers and
/// <c>jasper serve</c> both call it): <c>POST /v1/embeddings</c> (the OpenAI contract), <c>POST /embed</c> (native:
/// prompt, priority, ratio, normalisation), <c>GET /health</c> and <c>GET /info</c>. Requests are checked against
/// the limits before any work, run through the shared <see cref="DynamicBatcher"/>, and errors take OpenAI's shape.
/// </summary>
public sealed partial class EmbeddingApi
{
    // A busy server drains its queue in about a batch's time; clients come back soon rather than all at once later.
    private const int BusyRetryAfterSeconds = 1;

    private readonly ModelHost _host;
    private readonly EmbeddingApiOptions _options;
    private readonly CompressionPolicyOptions _policyOptions;
    private readonly ILogger _logger;
    private long _buffered;

    /// <summary>Creates the API over a model host.</summary>
    public EmbeddingApi(ModelHost host, EmbeddingApiOptions options, CompressionPolicyOptions policy, ILogger<EmbeddingApi>? logger = null)
    {
        _host = host;
        _options = options;
        _policyOptions = policy;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Request-body bytes the requests in flight hold now (see <see cref="EmbeddingApiOptions.MaxBufferedRequestBytes"/>).</summary>
    public long BufferedRequestBytes => Interlocked.Read(ref _buffered);

    /// <summary><c>POST /v1/embeddings</c>.</summary>
    public Task<ApiResponse> OpenAIEmbeddingsAsync(Stream body, CancellationToken cancellationToken = default) => HandleAsync(body, native: false, cancellationToken);

    /// <summary><c>POST /embed</c>.</summary>
    public Task<ApiResponse> NativeEmbedAsync(Stream body, CancellationToken cancellationToken = default) => HandleAsync(body, native: true, cancellationToken);

    /// <summary><c>GET /health</c>: 200 when ready, 503 (with Retry-After while loading) otherwise.</summary>
    public ApiResponse Health()
    {
        var state = _host.State;
        var body = JsonLines.Line(json =>
        {
            json.WriteStartObject();
            json.WriteString("status", state.ToString().ToLowerInvariant());
            if (state == ModelHostState.Ready)
            {
                json.WriteString("model", _host.Encoder.Model.Manifest.Name);
            }

            if (state == ModelHostState.Failed)
            {
                json.WriteString("reason", _host.FailureReason);
            }

            json.WriteEndObject();
        });
        return state == ModelHostState.Ready ? ApiResponse.Json(200, body) : WithRetryAfter(503, body);
    }

    /// <summary><c>GET /info</c>: the model and the limits.</summary>
    public ApiResponse Info()
    {
        if (_host.State != ModelHostState.Ready)
        {
            return NotReady();
        }

        var encoder = _host.Encoder;
        var manifest = encoder.Model.Manifest;
        return ApiResponse.Json(200, JsonLines.Line(json =>
        {
            json.WriteStartObject();
            json.WriteString("model", manifest.Name);
            json.WriteNumber("dimensions", manifest.Dimensions);
            json.WriteString("precision", manifest.Precision);
            json.WriteString("provider", encoder.Provider.Provider.ToName());
            json.WriteNumber("batch_tokens", encoder.BatchTokenBudget);
            json.WriteStartObject("compression");
            json.WriteNumber("threshold", encoder.Compression.Threshold);
            json.WriteNumber("default_ratio", encoder.Compression.DefaultRatio);
            json.WriteEndObject();
            json.WriteStartArray("prompts");
            foreach (string prompt in manifest.Prompts.Keys)
            {
                json.WriteStringValue(prompt);
            }

            json.WriteEndArray();
            json.WriteString("default_prompt", encoder.DefaultPromptName);

            // How an OpenAI client asks for the rest: the official SDKs send extra body fields as they are given
            // (extra_body in Python, JsonPatch in .NET, extra properties of the params object in Node).
            json.WriteStartObject("openai_extra_body");
            json.WriteStartObject("input_type");
            foreach (var (inputType, prompt) in EmbeddingRequestFields.InputTypes)
            {
                json.WriteString(inputType, prompt);
            }

            json.WriteEndObject();
            json.WriteString("prompt_name", "a prompt of the model (see prompts); or use input_type");
            json.WriteString("compression_ratio", $"a number {_policyOptions.ExplicitRange}");
            json.WriteString("truncate", "true keeps the first tokens of a text past max_tokens_per_input");
            json.WriteString("example", "client.embeddings.create(model=\"jasper\", input=[\"...\"], extra_body={\"input_type\": \"query\"})");
            json.WriteEndObject();
            json.WriteStartObject("limits");
            json.WriteNumber("max_inputs", _options.MaxInputs);
            json.WriteNumber("max_tokens_per_input", MaxTokensPerInput(encoder));
            json.WriteNumber("max_tokens_per_request", _options.MaxTokensPerRequest);
            json.WriteNumber("max_request_bytes", _options.MaxRequestBytes);
            json.WriteEndObject();
            json.WriteBoolean("dynamic_batching", _host.Batcher.Enabled);
            json.WriteEndObject();
        }));
    }

    /// <summary>The OpenAI model list (<c>GET /v1/models</c>): the one model this server serves.</summary>
    public ApiResponse Models()
    {
        if (_host.State != ModelHostState.Ready)
        {
            return NotReady();
        }

        var model = _host.Encoder.Model;
        long created = new DateTimeOffset(File.GetLastWriteTimeUtc(Path.Combine(model.Path, ModelManifest.FileName))).ToUnixTimeSeconds();
        return ApiResponse.Json(200, JsonLines.Line(json =>
        {
            json.WriteStartObject();
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            json.WriteStartObject();
            json.WriteString("id", model.Manifest.Name);
            json.WriteString("object", "model");
            json.WriteNumber("created", created);
            json.WriteString("owned_by", "jasper");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }));
    }

    /// <summary>What a route that does not exist answers (404), or a route asked with a method it does not take (405).</summary>
    public static ApiResponse NoRoute(string method, string path, bool pathExists) => pathExists
        ? Error(new ApiException(405, $"{method} {path} is not supported: this route takes another method.", code: "method_not_allowed"))
        : Error(new ApiException(404, $"Unknown route {method} {path}. The routes are POST /v1/embeddings, POST /embed, GET /v1/models, GET /info and GET /health (under /api, and /v1 also without it).", code: "unknown_url"));

    /// <summary>An error response in OpenAI's shape.</summary>
    public static ApiResponse Error(ApiException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return ApiResponse.Json(error.StatusCode, JsonLines.Line(json =>
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("message", error.Message);
            json.WriteString("type", error.Type);
            json.WriteString("param", error.Param);
            json.WriteString("code", error.Code);
            json.WriteEndObject();
            json.WriteEndObject();
        }));
    }

    // Every answer, whatever it is, is counted by route and status.
    private async Task<ApiResponse> HandleAsync(Stream body, bool native, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        var response = await AnswerAsync(body, native, cancellationToken).ConfigureAwait(false);
        _host.Metrics.Request(RouteName(native), response.StatusCode, Stopwatch.GetElapsedTime(started));
        return response;
    }

    private static string RouteName(bool native) => native ? "native" : "openai";

    private async Task<ApiResponse> AnswerAsync(Stream body, bool native, CancellationToken cancellationToken)
    {
        if (_host.State != ModelHostState.Ready)
        {
            return NotReady();
        }

        var held = new HeldBytes();
        try
        {
            byte[] bytes = await ReadAsync(body, held, cancellationToken).ConfigureAwait(false);
            var request = native ? EmbeddingRequestParser.ParseNative(bytes) : EmbeddingRequestParser.ParseOpenAI(bytes);
            var encoder = _host.Encoder;
            var prepared = Prepare(encoder, request);
            var results = await _host.Batcher.EmbedAsync(prepared, cancellationToken).ConfigureAwait(false);
            _host.Metrics.Tokens(RouteName(native), results.Sum(r => (long)r.Tokens), results.Sum(r => (long)r.CompressedTokens));
            return ApiResponse.Json(200, Respond(encoder, request, results, native));
        }
        catch (ApiException ex)
        {
            return Error(ex);
        }
        catch (BadHttpRequestException ex)
        {
            // The server refused to read the body (too large for Kestrel, sent too slowly, malformed): the client's error.
            return Error(new ApiException(ex.StatusCode, $"The request body could not be read: {ex.Message}", code: ex.StatusCode switch
            {
                StatusCodes.Status408RequestTimeout => "request_timeout",
                StatusCodes.Status413PayloadTooLarge => "payload_too_large",
                _ => "bad_request",
            }));
        }
        catch (ServerBusyException ex)
        {
            return WithRetryAfter(429, Error(new ApiException(429, ex.Message, code: "server_busy", type: "rate_limit_error")).Body, BusyRetryAfterSeconds);
        }
        catch (ObjectDisposedException)
        {
            return WithRetryAfter(503, Error(new ApiException(503, "The server is shutting down; retry on another instance.", code: "shutting_down", type: "server_error")).Body, BusyRetryAfterSeconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailure(_logger, ex);
            return Error(new ApiException(500, "The server failed to compute the embeddings.", type: "server_error"));
        }
        finally
        {
            Interlocked.Add(ref _buffered, -held.Bytes); // the body, and what was parsed from it, is no longer held
        }
    }

    // Reads the body, counting each chunk against the request's limit and, with every other request's, against the
    // limit of what all requests may hold at once.
    private async Task<byte[]> ReadAsync(Stream body, HeldBytes held, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > _options.MaxRequestBytes)
            {
                throw new ApiException(413, $"The request body is larger than the limit of {_options.MaxRequestBytes} bytes.", code: "payload_too_large");
            }

            if (Interlocked.Add(ref _buffered, read) > _options.MaxBufferedRequestBytes)
            {
                Interlocked.Add(ref _buffered, -read);
                throw new ServerBusyException($"The requests in flight hold {_options.MaxBufferedRequestBytes} bytes of bodies, the server's limit; retry shortly.");
            }

            held.Bytes += read;
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    // What one request has counted against the shared limit, given back when it is answered.
    private sealed class HeldBytes
    {
        public long Bytes { get; set; }
    }

    private List<PreparedText> Prepare(JasperEncoder encoder, EmbeddingRequest request)
    {
        if (request.Inputs.Count > _options.MaxInputs)
        {
            throw ApiException.Invalid($"'input' has {request.Inputs.Count} texts; the limit is {_options.MaxInputs} per request.", "input", "too_many_inputs");
        }

        if (request.Dimensions > encoder.Dimensions)
        {
            throw ApiException.Invalid($"'dimensions' can be at most {encoder.Dimensions} for this model.", "dimensions");
        }

        if (request.PromptName is string prompt && !encoder.Model.Manifest.Prompts.ContainsKey(prompt))
        {
            throw ApiException.Invalid($"'prompt_name' must be one of: {string.Join(", ", encoder.Model.Manifest.Prompts.Keys)}.", "prompt_name");
        }

        double? ratio = Ratio(request);
        int maxTokens = MaxTokensPerInput(encoder);
        var prepared = new List<PreparedText>(request.Inputs.Count);
        long total = 0;
        for (int i = 0; i < request.Inputs.Count; i++)
        {
            var text = PrepareOne(encoder, new EmbeddingInput(request.Inputs[i], ratio, request.PromptName, request.Truncate), i);
            if (text.Tokens.Ids.Length > maxTokens)
            {
                throw TooLong(i, text.Tokens.Ids.Length.ToString(CultureInfo.InvariantCulture), maxTokens);
            }

            total += text.Tokens.Ids.Length;
            prepared.Add(text);
        }

        return total <= _options.MaxTokensPerRequest
            ? prepared
            : throw ApiException.Invalid($"The request has {total} tokens in all; the limit is {_options.MaxTokensPerRequest} per request. Split it.", "input", "max_tokens_per_request");
    }

    private static PreparedText PrepareOne(JasperEncoder encoder, EmbeddingInput input, int index)
    {
        try
        {
            return encoder.Prepare(input);
        }
        catch (TokenLimitExceededException ex)
        {
            throw TooLong(index, (ex.IsLowerBound ? "at least " : string.Empty) + ex.TokenCount.ToString(CultureInfo.InvariantCulture), ex.MaxTokens);
        }
        catch (ArgumentException ex) when (ex is not ArgumentOutOfRangeException)
        {
            throw ApiException.Invalid($"'input[{index}]' is empty; every text needs at least one token.", "input", "empty_input");
        }
    }

    private static ApiException TooLong(int index, string tokens, int max) => ApiException.Invalid(
        $"'input[{index}]' has {tokens} tokens; the maximum is {max} per text (the model was trained on texts up to that length). Split the text.",
        "input",
        "context_length_exceeded");

    // The ratio: an explicit one, else (native only) the priority's as ingestion chooses it, else the model's default.
    private double? Ratio(EmbeddingRequest request)
    {
        if (request.CompressionRatio is double explicitRatio)
        {
            return _policyOptions.AllowsExplicit(explicitRatio)
                ? explicitRatio
                : throw ApiException.Invalid($"'compression_ratio' must be {_policyOptions.ExplicitRange}.", "compression_ratio");
        }

        return request.Priority is IngestPriority priority ? _policyOptions.RatioFor(priority) : null;
    }

    private int MaxTokensPerInput(JasperEncoder encoder) => Math.Min(_options.MaxTokensPerInput ?? encoder.MaxTokens, encoder.MaxTokens);

    private static ReadOnlyMemory<byte> Respond(JasperEncoder encoder, EmbeddingRequest request, IReadOnlyList<TextEmbedding> results, bool native)
    {
        long tokens = results.Sum(r => (long)r.Tokens);
        return JsonLines.Line(json =>
        {
            json.WriteStartObject();
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            for (int i = 0; i < results.Count; i++)
            {
                json.WriteStartObject();
                json.WriteString("object", "embedding");
                json.WriteNumber("index", i);
                WriteVector(json, Shape(results[i], request), request.Format);
                if (native)
                {
                    json.WriteNumber("tokens", results[i].Tokens);
                    json.WriteNumber("compressed_tokens", results[i].CompressedTokens);
                    json.WriteNumber("compression_ratio", results[i].CompressionRatio);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("model", encoder.Model.Manifest.Name);
            json.WriteStartObject("usage");
            json.WriteNumber("prompt_tokens", tokens);
            json.WriteNumber("total_tokens", tokens);
            json.WriteEndObject();
            json.WriteEndObject();
        }, 256 + (results.Count * (request.Dimensions ?? encoder.Dimensions) * 12));
    }

    // normalize=false gives the raw output back; dimensions truncates, then renormalises normalised vectors.
    private static float[] Shape(TextEmbedding result, EmbeddingRequest request)
    {
        float[] vector = request.Normalize ? result.Vector : result.Vector.Select(v => v * result.Norm).ToArray();
        if (request.Dimensions is not int dimensions || dimensions == vector.Length)
        {
            return vector;
        }

        return request.Normalize ? VectorMath.TruncateAndNormalize(vector, dimensions) : vector[..dimensions];
    }

    private static void WriteVector(Utf8JsonWriter json, float[] vector, EncodingFormat format)
    {
        if (format == EncodingFormat.Base64)
        {
            json.WriteBase64String("embedding", VectorRecordSerializer.EncodeEmbedding(vector));
            return;
        }

        json.WriteStartArray("embedding");
        foreach (float value in vector)
        {
            json.WriteNumberValue(value);
        }

        json.WriteEndArray();
    }

    private ApiResponse NotReady()
    {
        bool failed = _host.State == ModelHostState.Failed;
        var error = new ApiException(
            503,
            failed ? $"The model could not be loaded: {_host.FailureReason}" : $"The model is loading; retry in {_options.RetryAfterSeconds} s.",
            code: failed ? "model_unavailable" : "model_loading",
            type: "server_error");
        return WithRetryAfter(503, Error(error).Body);
    }

    private ApiResponse WithRetryAfter(int status, ReadOnlyMemory<byte> body, int? seconds = null) =>
        new(status, body, new Dictionary<string, string> { ["Retry-After"] = (seconds ?? _options.RetryAfterSeconds).ToString(CultureInfo.InvariantCulture) });

    [LoggerMessage(Level = LogLevel.Error, Message = "Embedding request failed")]
    private static partial void LogFailure(ILogger logger, Exception exception);
}

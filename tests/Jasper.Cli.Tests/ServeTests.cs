using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using Jasper.Cli.Serving;
using Jasper.Embeddings.Inference;
using Jasper.Embeddings.Numerics;
using Jasper.TestSupport;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Embeddings;

namespace Jasper.Cli.Tests;

/// <summary>`jasper serve` on a real Kestrel server, called by the official OpenAI .NET SDK and by raw HTTP.</summary>
public sealed class ServeTests : IClassFixture<ServeTests.Server>
{
    private const string Key = "test-key";
    private readonly Server _server;

    public ServeTests(Server server) => _server = server;

    [Fact]
    public async Task The_OpenAI_SDK_gets_the_same_vectors_as_the_encoder_in_base64_and_with_dimensions()
    {
        var texts = Goldens.ModelCases.Take(5).Select(c => c.Text).ToList();
        using var encoder = JasperEncoder.Load(TinyModels.Fp32);
        var expected = await encoder.EmbedAsync(texts.Select(t => new EmbeddingInput(t)).ToList());

        var client = new EmbeddingClient("jasper", new ApiKeyCredential(Key), new OpenAIClientOptions { Endpoint = new Uri(_server.Instance.Address, "api/v1") });
        var full = (await client.GenerateEmbeddingsAsync(texts)).Value; // the .NET SDK asks for base64
        var small = (await client.GenerateEmbeddingsAsync(texts, new OpenAI.Embeddings.EmbeddingGenerationOptions { Dimensions = 32 })).Value;

        for (int i = 0; i < texts.Count; i++)
        {
            Assert.True(VectorMath.Cosine(expected[i].Vector, full[i].ToFloats().Span) >= 0.99999);
            float[] truncated = small[i].ToFloats().ToArray();
            Assert.Equal(32, truncated.Length);
            Assert.Equal(1.0, Math.Sqrt(truncated.Sum(v => (double)v * v)), 5);
            Assert.True(VectorMath.Cosine(expected[i].Vector.AsSpan(0, 32), truncated) > 0.99999);
        }

        Assert.Equal(expected.Sum(e => e.Tokens), full.Usage.InputTokenCount);
    }

    [Fact]
    public async Task The_v1_routes_answer_without_the_api_prefix_and_models_lists_the_served_model()
    {
        // Clients configured with a base URL of http://HOST/v1 (the OpenAI convention) work as they are.
        var options = new OpenAIClientOptions { Endpoint = new Uri(_server.Instance.Address, "v1") };
        var viaAlias = (await new EmbeddingClient("jasper", new ApiKeyCredential(Key), options).GenerateEmbeddingAsync("one text")).Value.ToFloats().ToArray();
        var viaApi = (await new EmbeddingClient("jasper", new ApiKeyCredential(Key), new OpenAIClientOptions { Endpoint = new Uri(_server.Instance.Address, "api/v1") }).GenerateEmbeddingAsync("one text")).Value.ToFloats().ToArray();
        Assert.Equal(viaApi, viaAlias);

        var models = (await new OpenAI.Models.OpenAIModelClient(new ApiKeyCredential(Key), options).GetModelsAsync()).Value;
        var model = Assert.Single(models);
        Assert.Equal("jasper-tiny-random", model.Id);
        Assert.Equal("jasper", model.OwnedBy);
        using var anonymous = new HttpClient { BaseAddress = _server.Instance.Address };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("v1/models")).StatusCode);
    }

    [Theory]
    [InlineData("GET", "v1/nothing", 404, "unknown_url")]
    [InlineData("POST", "api/v2/embeddings", 404, "unknown_url")]
    [InlineData("GET", "v1/embeddings", 405, "method_not_allowed")]
    [InlineData("DELETE", "api/embed", 405, "method_not_allowed")]
    public async Task Unknown_routes_and_methods_get_OpenAI_shaped_errors(string method, string path, int status, string code)
    {
        using var http = Client();
        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(status, (int)response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = body.RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains($"{method} /{path}", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Float_responses_match_base64_ones()
    {
        using var http = Client();
        var asFloat = await PostAsync(http, "api/v1/embeddings", """{"input": ["one text", "another"], "encoding_format": "float"}""");
        var asBase64 = await PostAsync(http, "api/v1/embeddings", """{"input": ["one text", "another"], "encoding_format": "base64"}""");
        Assert.Equal(HttpStatusCode.OK, asFloat.Status);
        for (int i = 0; i < 2; i++)
        {
            float[] floats = asFloat.Json.GetProperty("data")[i].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
            byte[] bytes = asBase64.Json.GetProperty("data")[i].GetProperty("embedding").GetBytesFromBase64();
            Assert.Equal(floats, Enumerable.Range(0, floats.Length).Select(k => BitConverter.ToSingle(bytes, k * 4)));
        }
    }

    [Fact]
    public async Task Sixty_four_concurrent_SDK_requests_get_the_vectors_jasper_embed_writes()
    {
        var client = new EmbeddingClient("jasper", new ApiKeyCredential(Key), new OpenAIClientOptions { Endpoint = new Uri(_server.Instance.Address, "api/v1") });
        var texts = Enumerable.Range(0, 64).Select(i => $"query number {i} about token compression").ToList();
        var responses = await Task.WhenAll(texts.Select(t => client.GenerateEmbeddingAsync(t)));

        using var dir = new TempDirectory();
        File.WriteAllLines(dir.Combine("in.jsonl"), texts.Select((t, i) => JsonSerializer.Serialize(new { id = i, text = t })));
        var embed = await CliRunner.RunAsync("embed", "--model", TinyModels.Fp32, "--input", dir.Combine("in.jsonl"), "--output", dir.Combine("out.jsonl"));
        Assert.True(embed.ExitCode == 0, embed.Error);
        var expected = File.ReadAllLines(dir.Combine("out.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToList();
        for (int i = 0; i < texts.Count; i++)
        {
            Assert.True(VectorMath.Cosine(expected[i], responses[i].Value.ToFloats().Span) >= 0.99999, $"request {i}");
        }
    }

    [Theory]
    [InlineData("{\"input\": \"x\"", 400, "invalid_json", null)]
    [InlineData("[1, 2]", 400, "invalid_json", null)]
    [InlineData("{}", 400, null, "input")]
    [InlineData("{\"input\": \"\"}", 400, "empty_input", "input")]
    [InlineData("{\"input\": []}", 400, null, "input")]
    [InlineData("{\"input\": 42}", 400, null, "input")]
    [InlineData("{\"input\": [\"a\", 3]}", 400, "token_ids_not_supported", "input")]
    [InlineData("{\"input\": [[1, 2, 3]]}", 400, "token_ids_not_supported", "input")]
    [InlineData("{\"input\": \"a\", \"encoding_format\": \"int8\"}", 400, null, "encoding_format")]
    [InlineData("{\"input\": \"a\", \"dimensions\": 0}", 400, null, "dimensions")]
    [InlineData("{\"input\": \"a\", \"dimensions\": 4096}", 400, null, "dimensions")]
    [InlineData("{\"input\": \"a\", \"model\": 5}", 400, null, "model")]
    [InlineData("{\"input\": \"a\", \"priority\": \"high\"}", 400, "unknown_parameter", "priority")]
    public async Task Malformed_requests_get_OpenAI_shaped_errors(string body, int status, string? code, string? param)
    {
        using var http = Client();
        var response = await PostAsync(http, "api/v1/embeddings", body);
        Assert.Equal(status, (int)response.Status);
        var error = response.Json.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Limits_on_inputs_tokens_and_payload_are_clear_errors()
    {
        using var http = Client();
        var tooMany = await PostAsync(http, "api/v1/embeddings", JsonSerializer.Serialize(new { input = Enumerable.Repeat("a", 2049) }));
        Assert.Equal("too_many_inputs", tooMany.Json.GetProperty("error").GetProperty("code").GetString());

        var tooLong = await PostAsync(http, "api/v1/embeddings", JsonSerializer.Serialize(new { input = string.Join(' ', Enumerable.Repeat("word", 1500)) }));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.Status);
        Assert.Equal("context_length_exceeded", tooLong.Json.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("input[0]", tooLong.Json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        var tooBig = await PostAsync(http, "api/v1/embeddings", JsonSerializer.Serialize(new { input = new string('x', 17 * 1024 * 1024) }));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.Status);
        Assert.Equal("payload_too_large", tooBig.Json.GetProperty("error").GetProperty("code").GetString());

        var tooManyTokens = await PostAsync(http, "api/v1/embeddings", JsonSerializer.Serialize(new { input = Enumerable.Repeat(string.Join(' ', Enumerable.Repeat("word", 1000)), 400) }));
        Assert.Equal("max_tokens_per_request", tooManyTokens.Json.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_native_route_takes_prompt_priority_ratio_and_normalize()
    {
        using var http = Client();
        string text = string.Join(' ', Enumerable.Repeat("compression", 200));
        var low = await PostAsync(http, "api/embed", JsonSerializer.Serialize(new { input = new[] { text }, priority = "low", prompt_name = "document" }));
        var raw = await PostAsync(http, "api/embed", JsonSerializer.Serialize(new { input = text, compression_ratio = 0.5, normalize = false }));

        var item = low.Json.GetProperty("data")[0];
        Assert.Equal(0.2, item.GetProperty("compression_ratio").GetDouble());
        Assert.Equal(80 + (int)((item.GetProperty("tokens").GetInt32() - 80) * 0.2), item.GetProperty("compressed_tokens").GetInt32());
        float[] rawVector = raw.Json.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.NotEqual(1.0, Math.Sqrt(rawVector.Sum(v => (double)v * v)), 3);

        var badPrompt = await PostAsync(http, "api/embed", """{"input": "x", "prompt_name": "passage"}""");
        Assert.Equal("prompt_name", badPrompt.Json.GetProperty("error").GetProperty("param").GetString());
        var badRatio = await PostAsync(http, "api/embed", """{"input": "x", "compression_ratio": 0.01}""");
        Assert.Equal("compression_ratio", badRatio.Json.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task Both_routes_strip_the_whitespace_around_a_text_as_the_reference_does()
    {
        // Golden texts with whitespace around them; their reference vectors were computed on (prompt + text).strip().
        var golden = Goldens.ModelCases.Where(c => c.Text != c.Text.Trim()).ToList();
        Assert.NotEmpty(golden);
        using var http = Client();
        foreach (var c in golden)
        {
            var expected = c.Results.Single(r => r.Ratio == 0.5);
            var native = await PostAsync(http, "api/embed", JsonSerializer.Serialize(new { input = c.Text, prompt_name = c.PromptName, compression_ratio = 0.5 }));
            var item = native.Json.GetProperty("data")[0];
            Assert.Equal(c.Ids.Length, item.GetProperty("tokens").GetInt32());
            Assert.True(VectorMath.Cosine(expected.Embedding, Floats(item.GetProperty("embedding"))) >= 0.9999, c.Text);
        }

        // The OpenAI route has no prompt: " text\n" is "text" there.
        var client = new EmbeddingClient("jasper", new ApiKeyCredential(Key), new OpenAIClientOptions { Endpoint = new Uri(_server.Instance.Address, "api/v1") });
        var vectors = (await client.GenerateEmbeddingsAsync([" What is token compression?\n", "What is token compression?", "\u001f\u3000What is token compression?\t"])).Value;
        Assert.Equal(vectors[1].ToFloats().ToArray(), vectors[0].ToFloats().ToArray());
        Assert.Equal(vectors[1].ToFloats().ToArray(), vectors[2].ToFloats().ToArray());
    }

    [Fact]
    public async Task The_OpenAI_SDK_asks_for_the_query_prompt_and_a_ratio_through_extra_body_fields()
    {
        const string text = "How does token compression trade quality for speed?";
        using var http = Client();
        var native = await PostAsync(http, "api/embed", JsonSerializer.Serialize(new { input = text, prompt_name = "query", compression_ratio = 0.5 }));
        float[] expected = Floats(native.Json.GetProperty("data")[0].GetProperty("embedding"));

        var client = new EmbeddingClient("jasper", new ApiKeyCredential(Key), new OpenAIClientOptions { Endpoint = new Uri(_server.Instance.Address, "api/v1") });
#pragma warning disable SCME0001 // JsonPatch: the SDK's documented way to send fields its model does not have
        var options = new OpenAI.Embeddings.EmbeddingGenerationOptions();
        options.Patch.Set("$.input_type"u8, "query");
        options.Patch.Set("$.compression_ratio"u8, 0.5);
#pragma warning restore SCME0001
        var withPrompt = (await client.GenerateEmbeddingAsync(text, options)).Value.ToFloats().ToArray();
        var plain = (await client.GenerateEmbeddingAsync(text)).Value.ToFloats().ToArray();

        Assert.True(VectorMath.Cosine(expected, withPrompt) >= 0.99999);
        Assert.True(VectorMath.Cosine(expected, plain) < 0.999, "without the prompt the vector differs");
        foreach (var (inputType, prompt) in new[] { ("search_query", "query"), ("document", "document"), ("search_document", "document"), ("passage", "document") })
        {
            var aliased = await PostAsync(http, "api/v1/embeddings", JsonSerializer.Serialize(new { input = text, input_type = inputType, encoding_format = "float" }));
            var named = await PostAsync(http, "api/v1/embeddings", JsonSerializer.Serialize(new { input = text, prompt_name = prompt, encoding_format = "float" }));
            Assert.Equal(Floats(named.Json.GetProperty("data")[0].GetProperty("embedding")), Floats(aliased.Json.GetProperty("data")[0].GetProperty("embedding")));
        }

        var conflict = await PostAsync(http, "api/v1/embeddings", JsonSerializer.Serialize(new { input = text, input_type = "query", prompt_name = "document" }));
        Assert.Equal(HttpStatusCode.BadRequest, conflict.Status);
        Assert.Equal("input_type", conflict.Json.GetProperty("error").GetProperty("param").GetString());
        var unknown = await PostAsync(http, "api/v1/embeddings", JsonSerializer.Serialize(new { input = text, input_type = "classification" }));
        Assert.Equal("input_type", unknown.Json.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task Microsoft_Extensions_AI_over_the_OpenAI_adapter_asks_for_the_query_prompt_as_the_readme_shows()
    {
        const string text = "Which ratio should search queries use?";
        using var http = Client();
        var native = await PostAsync(http, "api/embed", JsonSerializer.Serialize(new { input = text, prompt_name = "query" }));
        float[] expected = Floats(native.Json.GetProperty("data")[0].GetProperty("embedding"));

        // The README's C# example: an IEmbeddingGenerator from the OpenAI client, the prompt through the raw options.
        IEmbeddingGenerator<string, Embedding<float>> generator = new OpenAIClient(new ApiKeyCredential(Key), new OpenAIClientOptions { Endpoint = new Uri(_server.Instance.Address, "v1") })
            .GetEmbeddingClient("jasper")
            .AsIEmbeddingGenerator();
        var queryOptions = new Microsoft.Extensions.AI.EmbeddingGenerationOptions
        {
            RawRepresentationFactory = _ =>
            {
                var raw = new OpenAI.Embeddings.EmbeddingGenerationOptions();
#pragma warning disable SCME0001 // JsonPatch: the SDK's documented way to send fields its model does not have
                raw.Patch.Set("$.input_type"u8, "query");
#pragma warning restore SCME0001
                return raw;
            },
        };
        var embeddings = await generator.GenerateAsync([text], queryOptions);

        Assert.True(VectorMath.Cosine(expected, embeddings[0].Vector.ToArray()) >= 0.99999);
        var plain = await generator.GenerateAsync([text]);
        Assert.True(VectorMath.Cosine(expected, plain[0].Vector.ToArray()) < 0.999, "without the prompt the vector differs");
    }

    [Fact]
    public async Task The_OpenAI_Node_SDK_sends_input_type_as_an_extra_body_field_and_gets_the_query_vector()
    {
        const string text = "How does token compression trade quality for speed?";
        using var http = Client();
        var native = await PostAsync(http, "api/embed", JsonSerializer.Serialize(new { input = text, prompt_name = "query" }));
        float[] expected = Floats(native.Json.GetProperty("data")[0].GetProperty("embedding"));

        var start = new System.Diagnostics.ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { Path.Combine(RepoPaths.Root, "tests", "Jasper.Cli.Tests", "Clients", "openai-embed.mjs"), new Uri(_server.Instance.Address, "api/v1").AbsoluteUri, Key, JsonSerializer.Serialize(new[] { text }), """{"input_type": "query"}""" })
        {
            start.ArgumentList.Add(arg);
        }

        using var node = System.Diagnostics.Process.Start(start)!;
        string output = await node.StandardOutput.ReadToEndAsync();
        string error = await node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();

        Assert.True(node.ExitCode == 0, error);
        float[] actual = JsonDocument.Parse(output).RootElement[0].EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.True(VectorMath.Cosine(expected, actual) >= 0.99999);
    }

    [Fact]
    public async Task A_server_default_prompt_applies_to_requests_that_name_none_and_a_prompt_the_model_lacks_stops_serve()
    {
        const string text = "what is token compression?";
        await using var server = await EmbeddingServer.StartAsync(new ServeOptions { Model = TinyModels.Fp32, Urls = "http://127.0.0.1:0", DefaultPromptName = "query" });
        await server.Host.WaitReadyAsync();
        using var http = new HttpClient { BaseAddress = server.Address };
        var defaulted = await PostAsync(http, "api/v1/embeddings", JsonSerializer.Serialize(new { input = text, encoding_format = "float" }));
        using var plain = Client();
        var named = await PostAsync(plain, "api/v1/embeddings", JsonSerializer.Serialize(new { input = text, input_type = "query", encoding_format = "float" }));
        Assert.Equal(Floats(named.Json.GetProperty("data")[0].GetProperty("embedding")), Floats(defaulted.Json.GetProperty("data")[0].GetProperty("embedding")));

        using var serving = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var (code, _, error) = await CliRunner.RunAsync(serving.Token, "serve", "--model", TinyModels.Fp32, "--urls", "http://127.0.0.1:0", "--default-prompt-name", "passage");
        Assert.Equal(1, code);
        Assert.Contains("The default prompt 'passage' is not a prompt of the model", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_budget_given_to_serve_is_the_encoders_and_one_below_a_token_stops_serve()
    {
        await using var server = await EmbeddingServer.StartAsync(new ServeOptions { Model = TinyModels.Fp32, Urls = "http://127.0.0.1:0", BatchTokens = 1234 });
        await server.Host.WaitReadyAsync();
        using var http = new HttpClient { BaseAddress = server.Address };
        using var info = JsonDocument.Parse(await http.GetStringAsync("api/info"));
        Assert.Equal(1234, info.RootElement.GetProperty("batch_tokens").GetInt32());

        using var serving = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var (code, _, error) = await CliRunner.RunAsync(serving.Token, "serve", "--model", TinyModels.Fp32, "--urls", "http://127.0.0.1:0", "--batch-tokens", "0");
        Assert.Equal(1, code);
        Assert.Contains("BatchTokenBudget", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api/v1/embeddings")]
    [InlineData("api/embed")]
    public async Task Truncate_keeps_the_first_tokens_of_a_text_past_the_maximum_instead_of_refusing_it(string route)
    {
        string text = string.Join(' ', Enumerable.Repeat("word", 1500));
        using var http = Client();

        var refused = await PostAsync(http, route, JsonSerializer.Serialize(new { input = text }));
        var truncated = await PostAsync(http, route, JsonSerializer.Serialize(new { input = text, truncate = true, encoding_format = "float" }));
        var cut = await PostAsync(http, route, JsonSerializer.Serialize(new { input = string.Join(' ', Enumerable.Repeat("word", 1024)), encoding_format = "float" }));

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.True(truncated.Status == HttpStatusCode.OK, truncated.Json.ToString());
        Assert.Equal(
            Floats(cut.Json.GetProperty("data")[0].GetProperty("embedding")),
            Floats(truncated.Json.GetProperty("data")[0].GetProperty("embedding"))); // "word" is one token: the first 1,024 are the cut text
    }

    [Fact]
    public async Task Keys_are_required_except_for_health_and_info_describes_the_model()
    {
        using var anonymous = new HttpClient { BaseAddress = _server.Instance.Address };
        var refused = await PostAsync(anonymous, "api/v1/embeddings", """{"input": "x"}""");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal("invalid_api_key", refused.Json.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("api/health")).StatusCode);

        using var http = Client();
        using var info = JsonDocument.Parse(await http.GetStringAsync("api/info"));
        Assert.Equal(128, info.RootElement.GetProperty("dimensions").GetInt32());
        Assert.Equal(2048, info.RootElement.GetProperty("limits").GetProperty("max_inputs").GetInt32());
        Assert.Equal("cpu", info.RootElement.GetProperty("provider").GetString());
        Assert.Equal(_server.Instance.Host.Encoder.BatchTokenBudget, info.RootElement.GetProperty("batch_tokens").GetInt32()); // what the device allows, measured on a GPU
    }

    [Fact]
    public async Task A_model_that_fails_to_load_makes_embedding_routes_answer_503_with_the_reason_and_retry_after()
    {
        using var dir = new TempDirectory();
        await using var loading = await EmbeddingServer.StartAsync(new ServeOptions { Model = dir.Path, Urls = "http://127.0.0.1:0" });
        using var http = new HttpClient { BaseAddress = loading.Address };
        await Assert.ThrowsAnyAsync<Exception>(() => loading.Host.WaitReadyAsync()); // an empty directory is no model

        var health = await http.GetAsync("api/health");
        var embed = await PostAsync(http, "api/v1/embeddings", """{"input": "x"}""");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.NotNull(health.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, embed.Status);
        Assert.Equal("model_unavailable", embed.Json.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("not a Jasper model directory", embed.Json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flood_past_the_pending_bound_gets_429_with_retry_after_never_a_5xx_and_the_server_stays_healthy()
    {
        await using var server = await EmbeddingServer.StartAsync(new ServeOptions { Model = TinyModels.Fp32, Urls = "http://127.0.0.1:0", MaxPendingRequests = 2 });
        await server.Host.WaitReadyAsync();
        using var http = new HttpClient { BaseAddress = server.Address };
        string body = JsonSerializer.Serialize(new { input = Enumerable.Repeat(string.Join(' ', Enumerable.Repeat("compression keeps quality", 80)), 16).ToArray() });

        var responses = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => http.PostAsync(new Uri("api/v1/embeddings", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"))));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, r.StatusCode.ToString()));
        var busy = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(busy);
        Assert.All(busy, r => Assert.Equal(TimeSpan.FromSeconds(1), r.Headers.RetryAfter?.Delta));
        using var error = JsonDocument.Parse(await busy[0].Content.ReadAsStringAsync());
        Assert.Equal("server_busy", error.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("api/health", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, "api/v1/embeddings", """{"input": "after the flood"}""")).Status);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task An_empty_api_key_is_refused_instead_of_turning_authentication_off(string key)
    {
        using var serving = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // a server that starts would run until stopped
        var (code, _, error) = await CliRunner.RunAsync(serving.Token, "serve", "--model", TinyModels.Fp32, "--urls", "http://127.0.0.1:0", "--api-key", key);
        Assert.Equal(1, code);
        Assert.Contains("--api-key", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jasper_serve_with_a_model_that_cannot_load_exits_non_zero_with_the_reason()
    {
        // Nobody probes a command-line server's health: answering 503 for ever would hide the failure. (The Functions
        // app keeps answering 503 with the reason, and /api/health "failed", which its probes read.)
        using var dir = new TempDirectory();
        using var serving = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // a server that keeps running would run until stopped
        var (code, _, error) = await CliRunner.RunAsync(serving.Token, "serve", "--model", dir.Path, "--urls", "http://127.0.0.1:0");

        Assert.False(serving.IsCancellationRequested, "serve kept running with no model");
        Assert.Equal(1, code);
        Assert.Contains("not a Jasper model directory", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_past_kestrels_own_limit_is_a_413_not_a_500()
    {
        // Only the headers are sent: the server answers from Content-Length alone (an HTTP client sending the whole
        // 31 MB would see the connection closed under it once the answer came).
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(_server.Instance.Address.Host, _server.Instance.Address.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /api/v1/embeddings HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {Key}\r\nContent-Type: application/json\r\nContent-Length: {31 * 1024 * 1024}\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        Assert.Equal("HTTP/1.1 413 Payload Too Large", await reader.ReadLineAsync());

        using var http = Client();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, "api/v1/embeddings", """{"input": "still serving"}""")).Status);
    }

    private static float[] Floats(JsonElement vector) => vector.EnumerateArray().Select(v => v.GetSingle()).ToArray();

    private HttpClient Client()
    {
        var http = new HttpClient { BaseAddress = _server.Instance.Address };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);
        return http;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Json)> PostAsync(HttpClient http, string path, string body)
    {
        using var response = await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.Clone());
    }

    /// <summary>One server for the class, on a free port, with an API key.</summary>
    public sealed class Server : IDisposable
    {
        public Server()
        {
            Instance = EmbeddingServer.StartAsync(new ServeOptions { Model = TinyModels.Fp32, Urls = "http://127.0.0.1:0", ApiKey = Key }).GetAwaiter().GetResult();
            Instance.Host.WaitReadyAsync().GetAwaiter().GetResult();
        }

        internal EmbeddingServer Instance { get; }

        public void Dispose() => Instance.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

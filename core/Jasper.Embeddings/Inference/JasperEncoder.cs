using System.Globalization;
using Jasper.Embeddings.Compression;
using Jasper.Embeddings.Inference.Budget;
using Jasper.Embeddings.Models;
using Jasper.Embeddings.Numerics;
using Jasper.Embeddings.Tokenization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace Jasper.Embeddings.Inference;

/// <summary>
/// Jasper-Token-Compression embeddings on ONNX Runtime. Each text may carry its own compression ratio and prompt;
/// texts are sorted by length, packed into batches under a token budget and returned L2-normalised in input order.
/// One instance holds one session and is safe to share between threads.
/// </summary>
/// <remarks>
/// Through <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/> the ratio and prompt come from
/// <see cref="EmbeddingGenerationOptions.AdditionalProperties"/> (<c>compression_ratio</c>, <c>prompt_name</c>), and
/// <see cref="EmbeddingGenerationOptions.Dimensions"/> truncates and renormalises.
/// </remarks>
public sealed partial class JasperEncoder : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>Key of <see cref="EmbeddingGenerationOptions.AdditionalProperties"/> holding the ratio.</summary>
    public const string CompressionRatioProperty = "compression_ratio";

    /// <summary>Key of <see cref="EmbeddingGenerationOptions.AdditionalProperties"/> holding the prompt name.</summary>
    public const string PromptNameProperty = "prompt_name";

    private readonly InferenceSession _session;
    private readonly SemaphoreSlim? _runGate;
    private readonly SessionLeases _leases;
    private readonly JasperEncoderOptions _options;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly ILogger _logger;
    private int _batchTokenBudget;

    private JasperEncoder(ModelDirectory model, JasperTokenizer tokenizer, InferenceSession session, ProviderSelection selection, JasperEncoderOptions options, ILogger logger)
    {
        Model = model;
        Tokenizer = tokenizer;
        _session = session;
        Provider = selection;
        _options = options;
        _logger = logger;
        _runGate = selection.RequiresSerializedRuns ? new SemaphoreSlim(1, 1) : null;
        _leases = new SessionLeases(this, () =>
        {
            _session.Dispose();
            _runGate?.Dispose();
        });
        _inputNames = [.. model.Manifest.Graph.Inputs];
        _outputNames = [model.Manifest.Graph.Output];
        Compression = new CompressionSettings(model.Manifest.Compression.Threshold, options.DefaultCompressionRatio ?? model.Manifest.Compression.DefaultRatio);
        CompressionSettings.Validate(Compression.DefaultRatio);
        MaxTokens = options.MaxTokens ?? model.Manifest.MaxTokens;
        _batchTokenBudget = options.BatchTokenBudget ?? (selection.Provider == ExecutionProvider.Cpu ? JasperEncoderOptions.CpuBatchTokenBudget : JasperEncoderOptions.GpuBatchTokenBudget);
        Metadata = new EmbeddingGeneratorMetadata("jasper", null, model.Manifest.Name, model.Manifest.Dimensions);
        if (DefaultPromptName is string prompt && !model.Manifest.Prompts.ContainsKey(prompt))
        {
            // Found at load, not as a puzzling error on every text later.
            throw new ArgumentException($"The default prompt '{prompt}' is not a prompt of the model; it has: {string.Join(", ", model.Manifest.Prompts.Keys)}.", nameof(options));
        }
    }

    /// <summary>The loaded model.</summary>
    public ModelDirectory Model { get; }

    /// <summary>The model's tokenizer.</summary>
    public JasperTokenizer Tokenizer { get; }

    /// <summary>The execution provider in use and why.</summary>
    public ProviderSelection Provider { get; }

    /// <summary>Threshold and default ratio in effect.</summary>
    public CompressionSettings Compression { get; }

    /// <summary>Most tokens per text.</summary>
    public int MaxTokens { get; }

    /// <summary>
    /// Most padded tokens per inference in effect: the options' budget, else on a CUDA device the one its free memory
    /// allows (measured at load), else the provider's default. It comes down when the device runs out of memory for a
    /// batch (another process took memory), which is then run in halves.
    /// </summary>
    public int BatchTokenBudget => Volatile.Read(ref _batchTokenBudget);

    /// <summary>The prompt a text that names none gets: the options', else the model's default; null for none.</summary>
    public string? DefaultPromptName => _options.DefaultPromptName ?? Model.Manifest.DefaultPromptName;

    /// <summary>Length of the vectors.</summary>
    public int Dimensions => Model.Manifest.Dimensions;

    /// <summary>Metadata reported through <see cref="GetService"/>.</summary>
    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <summary>Loads a model directory written by <c>jasper model convert</c>.</summary>
    public static JasperEncoder Load(string modelDirectory, JasperEncoderOptions? options = null, ILoggerFactory? loggerFactory = null) =>
        Load(modelDirectory, options, loggerFactory, DeviceMemoryFor);

    /// <summary>Where the free memory of the device a session runs on is read: CUDA's; nowhere for the others.</summary>
    internal static IDeviceMemory? DeviceMemoryFor(ProviderSelection selection, int deviceId) =>
        selection.Provider == ExecutionProvider.Cuda ? CudaDeviceMemory.Open(deviceId) : null;

    /// <summary>
    /// Loads a model, reading the device's free memory through <paramref name="deviceMemory"/>;
    /// <paramref name="configureSession"/> sees ONNX Runtime's session options last.
    /// </summary>
    internal static JasperEncoder Load(string modelDirectory, JasperEncoderOptions? options, ILoggerFactory? loggerFactory, Func<ProviderSelection, int, IDeviceMemory?> deviceMemory, Action<SessionOptions>? configureSession = null)
    {
        options ??= new JasperEncoderOptions();
        ValidateBudgetOptions(options);
        var logger = (ILogger?)loggerFactory?.CreateLogger<JasperEncoder>() ?? NullLogger.Instance;
        var model = ModelDirectory.Open(modelDirectory);
        if (!Conversion.JasperGraph.IsCurrent(model.Manifest.Graph))
        {
            throw new InvalidDataException(
                $"{model.Path} was converted by an older jasper (graph inputs {string.Join(", ", model.Manifest.Graph.Inputs)}); convert it again with `jasper model convert`.");
        }

        var tokenizer = JasperTokenizer.Load(model.Path);
        var (session, selection) = InferenceSessionFactory.Create(model.GraphPath, options, logger, configureSession);
        JasperEncoder encoder;
        try
        {
            encoder = new JasperEncoder(model, tokenizer, session, selection, options, logger);
        }
        catch
        {
            session.Dispose(); // the constructor refused the options: nothing owns the session yet
            throw;
        }

        try
        {
            if (options.BatchTokenBudget is null && deviceMemory(selection, options.DeviceId) is IDeviceMemory memory)
            {
                encoder._batchTokenBudget = encoder.MeasureBatchBudget(memory);
            }

            return encoder;
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    /// <summary>Embeds texts, each with its own ratio and prompt; results are in input order.</summary>
    public Task<IReadOnlyList<TextEmbedding>> EmbedAsync(IReadOnlyList<EmbeddingInput> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return EmbedAsync(inputs.Select(Prepare).ToArray(), cancellationToken); // invalid inputs fail before any work starts
    }

    /// <summary>
    /// Embeds texts already checked by <see cref="Prepare"/>; results are in input order. A call made before the
    /// encoder is disposed finishes; one made after throws <see cref="ObjectDisposedException"/>.
    /// </summary>
    public Task<IReadOnlyList<TextEmbedding>> EmbedAsync(IReadOnlyList<PreparedText> texts, CancellationToken cancellationToken = default) =>
        EmbedAsync(texts, progress: null, cancellationToken);

    /// <summary>
    /// Embeds texts already checked by <see cref="Prepare"/>, as <see cref="EmbedAsync(IReadOnlyList{PreparedText}, CancellationToken)"/>
    /// does, and tells <paramref name="progress"/> after each inference how much is done: a large call on the CPU
    /// runs for minutes.
    /// </summary>
    public Task<IReadOnlyList<TextEmbedding>> EmbedAsync(IReadOnlyList<PreparedText> texts, IProgress<EmbeddingProgress>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        _leases.Take(); // now, not when the task starts: the caller may dispose the encoder before then
        return RunLeasedAsync();

        async Task<IReadOnlyList<TextEmbedding>> RunLeasedAsync()
        {
            try
            {
                return await Task.Run(() => Run(texts, progress, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _leases.Return();
            }
        }
    }

    /// <summary>
    /// Tokenizes one input as the model will see it (prompt, outer whitespace stripped as sentence-transformers strips
    /// it, special tokens, limit) and plans its compression.
    /// </summary>
    public PreparedText Prepare(EmbeddingInput input)
    {
        ArgumentNullException.ThrowIfNull(input.Text);
        string prompt = ResolvePrompt(input.PromptName ?? DefaultPromptName);
        // sentence-transformers tokenizes (prompt + text).strip(): the published model never sees outer whitespace.
        var tokens = Tokenizer.Encode(PythonWhitespace.Strip(prompt + input.Text), MaxTokens, input.Truncate ?? _options.Truncate);
        if (tokens.Ids.Length == 0)
        {
            throw new ArgumentException("An empty text (or one of whitespace only) has no tokens to embed.", nameof(input));
        }

        double ratio = CompressionSettings.Validate(input.CompressionRatio ?? Compression.DefaultRatio);
        return new PreparedText(tokens, CompressionPlan.Create(tokens.Ids.Length, ratio, Compression.Threshold));
    }

    /// <inheritdoc />
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        double? ratio = ReadProperty(options, CompressionRatioProperty) is object r ? Convert.ToDouble(r, CultureInfo.InvariantCulture) : null;
        string? prompt = ReadProperty(options, PromptNameProperty)?.ToString();
        var results = await EmbedAsync(values.Select(v => new EmbeddingInput(v, ratio, prompt)).ToList(), cancellationToken).ConfigureAwait(false);
        var created = DateTimeOffset.UtcNow;
        var embeddings = results.Select(result => new Embedding<float>(
            options?.Dimensions is int d && d != result.Vector.Length ? VectorMath.TruncateAndNormalize(result.Vector, d) : result.Vector)
        {
            ModelId = Model.Manifest.Name,
            CreatedAt = created,
            AdditionalProperties = new AdditionalPropertiesDictionary
            {
                ["tokens"] = result.Tokens,
                ["compressed_tokens"] = result.CompressedTokens,
                [CompressionRatioProperty] = result.CompressionRatio,
            },
        });
        long tokens = results.Sum(e => (long)e.Tokens);
        return new GeneratedEmbeddings<Embedding<float>>(embeddings)
        {
            Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens },
        };
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Releases the session once the calls in flight have finished; later calls are refused.</summary>
    public void Dispose() => _leases.Dispose();

    private static object? ReadProperty(EmbeddingGenerationOptions? options, string key) =>
        options?.AdditionalProperties?.TryGetValue(key, out object? value) == true ? value : null;

    private string ResolvePrompt(string? name)
    {
        if (name is null)
        {
            return string.Empty;
        }

        return Model.Manifest.Prompts.TryGetValue(name, out string? prompt)
            ? prompt
            : throw new ArgumentException($"The model has no prompt named '{name}'; it has: {string.Join(", ", Model.Manifest.Prompts.Keys)}.", nameof(name));
    }

    // Options that need no model are checked before the session is built, which can take seconds and gigabytes.
    private static void ValidateBudgetOptions(JasperEncoderOptions options)
    {
        if (options.BatchTokenBudget < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchTokenBudget, $"{nameof(JasperEncoderOptions.BatchTokenBudget)} must be at least 1 token.");
        }

        if (options.DeviceMemoryFraction is not (> 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.DeviceMemoryFraction, $"{nameof(JasperEncoderOptions.DeviceMemoryFraction)} must be above 0 and at most 1.");
        }
    }

    // Runs the probe of BatchBudgetMeasurement on the device and returns the budget its free memory allows.
    private int MeasureBatchBudget(IDeviceMemory memory)
    {
        int ceiling = BatchTokenBudget;
        if (memory.ReadFreeBytes() is not long free)
        {
            LogBudgetUnread(_logger, ceiling, memory.Device);
            return ceiling;
        }

        // The worst case per token: rows as wide as the longest text, uncompressed (attention and the pooling grow with
        // the width); later batches are never wider, so the figure holds for them.
        int width = MaxTokens;
        int rows = Math.Max(1, BatchBudgetMeasurement.ProbeTokens / width);
        var probe = new PreparedText(new TokenizedText(Enumerable.Repeat(Tokenizer.PadTokenId, width).ToArray(), width, false), CompressionPlan.Create(width, 1.0, Compression.Threshold));
        try
        {
            RunBatch([.. Enumerable.Repeat<PreparedText[]>([probe], rows)], CancellationToken.None);
        }
        catch (OnnxRuntimeException e) when (MemoryExhaustion.IsReportedBy(e))
        {
            throw new DeviceMemoryExhaustedException(
                string.Create(CultureInfo.InvariantCulture, $"{memory.Device} ran out of memory for a batch of {rows} texts of {width:N0} tokens with {free / (double)(1 << 30):F1} GiB free after the weights: {e.Message} ") +
                "Free memory on the device, lower the most tokens per text (MaxTokens, jasper --max-tokens), or give the batch budget (BatchTokenBudget, jasper --batch-tokens), which skips this probe.", e);
        }

        var budget = BatchBudgetMeasurement.FromProbe(free, memory.ReadFreeBytes() ?? free, rows * width, _options.DeviceMemoryFraction, ceiling);
        if (budget.BytesPerToken is long perToken)
        {
            LogBudget(_logger, budget.Tokens, memory.Device, free / (double)(1 << 30), rows, width, budget.ProbeBytes / (double)(1 << 20), perToken / 1024.0, _options.DeviceMemoryFraction, ceiling);
        }
        else
        {
            LogBudgetUnmeasured(_logger, budget.Tokens, memory.Device, rows, width);
        }

        return budget.Tokens;
    }

    private TextEmbedding[] Run(IReadOnlyList<PreparedText> texts, IProgress<EmbeddingProgress>? progress, CancellationToken cancellationToken)
    {
        var results = new TextEmbedding[texts.Count];
        var done = default(EmbeddingProgress);
        var batches = BatchPlanner.Plan(texts.Select(t => t.Tokens.Ids.Length).ToArray(), BatchTokenBudget, _options.MaxBatchSize, Model.Manifest.Graph.PacksTexts);
        foreach (var batch in batches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var vectors = RunInHalvesWhenExhausted([.. batch.Rows.Select(row => row.Select(i => texts[i]).ToArray())], cancellationToken);
            for (int row = 0; row < batch.Rows.Count; row++)
            {
                for (int slot = 0; slot < batch.Rows[row].Length; slot++)
                {
                    int index = batch.Rows[row][slot];
                    var text = texts[index];
                    var (vector, norm) = vectors[row][slot];
                    results[index] = new TextEmbedding(vector, text.Tokens.Ids.Length, text.Plan.CompressedLength, text.Plan.Ratio, text.Tokens.Truncated) { Norm = norm };
                    done = new EmbeddingProgress(done.Texts + 1, done.Tokens + text.Tokens.Ids.Length, done.CompressedTokens + text.Plan.CompressedLength);
                }
            }

            progress?.Report(done);
        }

        return results;
    }

    // A batch the device runs out of memory for (another process took what the budget counted on) runs in halves, and
    // later batches get at most half of it; only a single row that does not fit is an error.
    private (float[] Vector, float Norm)[][] RunInHalvesWhenExhausted(PreparedText[][] rows, CancellationToken cancellationToken)
    {
        try
        {
            return RunBatch(rows, cancellationToken);
        }
        catch (OnnxRuntimeException e) when (MemoryExhaustion.IsReportedBy(e))
        {
            int width = rows.Max(row => row.Sum(text => text.Tokens.Ids.Length));
            if (rows.Length == 1)
            {
                throw new DeviceMemoryExhaustedException(
                    string.Create(CultureInfo.InvariantCulture, $"The {Provider.Provider.ToName()} device ran out of memory for one row of {width:N0} tokens ({rows[0].Length} text(s)): {e.Message} ") +
                    "Lower the most tokens per text (MaxTokens, jasper --max-tokens) or free memory on the device.", e);
            }

            int half = rows.Length / 2;
            int lowered = Math.Max(1, half * width);
            int before = Volatile.Read(ref _batchTokenBudget);
            while (lowered < before && Interlocked.CompareExchange(ref _batchTokenBudget, lowered, before) != before)
            {
                before = Volatile.Read(ref _batchTokenBudget);
            }

            LogExhausted(_logger, Provider.Provider, rows.Length, width, BatchTokenBudget);
            return [.. RunInHalvesWhenExhausted(rows[..half], cancellationToken), .. RunInHalvesWhenExhausted(rows[half..], cancellationToken)];
        }
    }

    // One inference; returns each row's slots as (vector, norm before normalisation).
    private (float[] Vector, float Norm)[][] RunBatch(PreparedText[][] rows, CancellationToken cancellationToken)
    {
        var inputs = BatchInputs.Create(rows, Tokenizer.PadTokenId);
        long[] perPosition = [rows.Length, inputs.Positions];
        using var inputIds = OrtValue.CreateTensorValueFromMemory(inputs.InputIds, [rows.Length, inputs.Tokens]);
        using var poolStart = OrtValue.CreateTensorValueFromMemory(inputs.PoolStart, perPosition);
        using var poolEnd = OrtValue.CreateTensorValueFromMemory(inputs.PoolEnd, perPosition);
        using var positionText = OrtValue.CreateTensorValueFromMemory(inputs.PositionText, perPosition);
        using var positionIndex = OrtValue.CreateTensorValueFromMemory(inputs.PositionIndex, perPosition);
        using var textPositions = OrtValue.CreateTensorValueFromMemory(inputs.TextPositions, [rows.Length, inputs.Texts]);
        using var runOptions = new RunOptions();
        using var registration = cancellationToken.Register(() => runOptions.Terminate = true);

        _runGate?.Wait(cancellationToken);
        try
        {
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                int texts = rows.Sum(r => r.Length);
                LogBatch(_logger, texts, rows.Length, inputs.Tokens, inputs.Positions);
            }

            using var outputs = Run(runOptions, [inputIds, poolStart, poolEnd, positionText, positionIndex, textPositions], cancellationToken);
            ReadOnlySpan<float> data = outputs[0].GetTensorDataAsSpan<float>();
            int width = data.Length / (rows.Length * inputs.Texts);
            var results = new (float[], float)[rows.Length][];
            for (int row = 0; row < rows.Length; row++)
            {
                results[row] = new (float[], float)[rows[row].Length];
                for (int slot = 0; slot < rows[row].Length; slot++)
                {
                    float[] vector = data.Slice(((row * inputs.Texts) + slot) * width, width).ToArray();
                    results[row][slot] = (vector, Model.Manifest.Normalize ? VectorMath.NormalizeInPlace(vector) : 1f);
                }
            }

            return results;
        }
        finally
        {
            _runGate?.Release();
        }
    }

    private IDisposableReadOnlyCollection<OrtValue> Run(RunOptions runOptions, OrtValue[] inputs, CancellationToken cancellationToken)
    {
        try
        {
            return _session.Run(runOptions, _inputNames, inputs, _outputNames);
        }
        catch (OnnxRuntimeException e) when (cancellationToken.IsCancellationRequested)
        {
            // The token set the run's terminate flag, and ONNX Runtime reports a terminated run as its own error.
            throw new OperationCanceledException("The inference was cancelled.", e, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch budget: {Tokens:N0} padded tokens per inference on {Device} ({FreeGiB:F1} GiB free after the weights; a probe of {Rows} × {Width} tokens took {ProbeMiB:F0} MiB, {KiBPerToken:F0} KiB a token; {Fraction:P0} of the free memory, at most {Ceiling:N0})")]
    private static partial void LogBudget(ILogger logger, int tokens, string device, double freeGiB, int rows, int width, double probeMiB, double kiBPerToken, double fraction, int ceiling);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch budget: {Tokens:N0} padded tokens per inference on {Device}, the most (its free memory could not be read)")]
    private static partial void LogBudgetUnread(ILogger logger, int tokens, string device);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch budget: {Tokens:N0} padded tokens per inference on {Device}, the most (a probe of {Rows} × {Width} tokens took no new memory, so measured nothing)")]
    private static partial void LogBudgetUnmeasured(ILogger logger, int tokens, string device, int rows, int width);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Provider} device ran out of memory for {Rows} rows of {Width} tokens: running them in halves, and batches of at most {Budget:N0} tokens from now on")]
    private static partial void LogExhausted(ILogger logger, ExecutionProvider provider, int rows, int width, int budget);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Inference: {Texts} texts in {Rows} rows, {Tokens} tokens wide, {Positions} positions after compression")]
    private static partial void LogBatch(ILogger logger, int texts, int rows, int tokens, int positions);
}

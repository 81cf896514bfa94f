using System.Globalization;
using System.Runtime.InteropServices;
using Jasper.Cli.Serving;
using Jasper.Embeddings.Compression;
using Jasper.Embeddings.Conversion;
using Jasper.Embeddings.Inference;
using Jasper.Embeddings.Numerics;
using Jasper.Embeddings.Tokenization;

namespace Jasper.Cli.Benchmarking;

/// <summary>
/// Runs a benchmark: per variant a fresh-process start-up, then for every length and ratio the MatMul limit, the
/// encoder and the PyTorch peer one right after the other, so that a noisy machine affects the figures that are
/// compared alike; then <c>jasper serve</c> with and without dynamic batching. On the CPU the peer runs in float32
/// beside our fp32; on CUDA in bf16 and fp16 with SDPA attention beside our fp16, each cell showing ours ÷ peer.
/// </summary>
internal sealed class BenchRunner
{
    private const int PeerBatchSize = 32; // sentence-transformers' default
    private readonly BenchOptions _options;
    private readonly Action<string> _log;
    private readonly Dictionary<(int Tokens, double Ratio), float[][]> _fp32 = [];
    private readonly int _batchTokens;
    private readonly bool _onGpu;

    public BenchRunner(BenchOptions options, Action<string> log)
    {
        _options = options;
        _log = log;
        _onGpu = options.Device is ExecutionProvider.Cuda or ExecutionProvider.DirectML;
        _batchTokens = options.BatchTokens ?? (_onGpu ? JasperEncoderOptions.GpuBatchTokenBudget : JasperEncoderOptions.CpuBatchTokenBudget);
    }

    // The peer's dtypes: float32 on the CPU (the reference precision), and on a GPU the two a GPU user loads.
    private string[] PeerDtypes => _options.Device == ExecutionProvider.Cuda ? ["bf16", "fp16"] : ["fp32"];

    // The variant the peer runs beside (and that is served): our float32 on the CPU, our fp16 on a GPU.
    private static (BenchVariant Variant, string Directory) Compared(BenchModels models, bool onGpu) =>
        models.Variants.FirstOrDefault(v => v.Variant.Label == (onGpu ? "fp16" : "fp32")) is { Directory: not null } found ? found : models.Variants[0];

    public async Task<BenchResult> RunAsync(CancellationToken cancellationToken)
    {
        var models = BenchModels.Prepare(_options, _log);
        var (peer, skipped) = await StartPeerAsync(models, cancellationToken).ConfigureAwait(false);
        await using (peer)
        {
            var result = new BenchResult
            {
                Machine = Machine(),
                Model = models.Description,
                BatchTokens = _batchTokens,
                TextsPerCell = _options.Texts,
                Peer = peer?.Info,
                PeerSkipped = skipped,
            };

            // float32 first: it is the reference the other variants' cosines are taken against.
            var compared = Compared(models, _onGpu);
            foreach (var (variant, directory) in models.Variants.OrderBy(v => v.Variant.Label != "fp32"))
            {
                bool withPeer = peer is not null && variant == compared.Variant;
                result.Precisions.Add(await RunVariantAsync(variant, directory, withPeer ? peer : null, cancellationToken).ConfigureAwait(false));
            }

            if (_options.ServeClients > 0)
            {
                result.Serve = await MeasureServingAsync(compared.Variant, compared.Directory, cancellationToken).ConfigureAwait(false);
            }

            result.Targets = BenchTargets.Evaluate(result);
            return result;
        }
    }

    private static MachineInfo Machine()
    {
        string cpu = OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
            : RuntimeInformation.ProcessArchitecture.ToString();
        string? quota = File.Exists("/sys/fs/cgroup/cpu.max") ? File.ReadAllText("/sys/fs/cgroup/cpu.max").Trim() : null;
        string ort = typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version?.ToString(3) ?? "unknown";
        return new MachineInfo(cpu, Environment.ProcessorCount, quota, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, ort,
            DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
    }

    private async Task<(PythonPeer? Peer, string? Skipped)> StartPeerAsync(BenchModels models, CancellationToken cancellationToken)
    {
        if (!_options.Peer)
        {
            return (null, "--no-peer");
        }

        if (models.Checkpoint is null)
        {
            return (null, "the model directory's checkpoint is not on this machine (the peer needs its safetensors)");
        }

        var (python, reason) = PythonPeer.FindPython(_options.Python);
        if (python is null)
        {
            return (null, reason);
        }

        _log($"starting the PyTorch peer ({python}) on {models.Checkpoint}");
        string device = _options.Device == ExecutionProvider.Cuda ? "cuda" : "cpu";
        var peer = await PythonPeer.StartAsync(python, models.Checkpoint, Environment.ProcessorCount, device, cancellationToken).ConfigureAwait(false);
        if (device == "cpu" && !peer.Info.Blas.Contains("openblas", StringComparison.OrdinalIgnoreCase))
        {
            _log($"warning: torch loaded {peer.Info.Blas}; Debian's reference BLAS is slow, so apt install libopenblas0-pthread for a fair peer");
        }

        return (peer, null);
    }

    private async Task<PrecisionResult> RunVariantAsync(BenchVariant variant, string directory, PythonPeer? peer, CancellationToken cancellationToken)
    {
        var result = new PrecisionResult
        {
            Precision = variant.Label,
            Attention = variant.Attention.ToName(),
            ModelDirectory = directory,
            WeightBytes = new FileInfo(Path.Combine(directory, ModelConverter.DataFileName)).Length,
        };
        if (_options.Startup)
        {
            _log($"{variant.Label}: start-up in a fresh process");
            result.Startup = await StartupProbe.MeasureAsync(directory, cancellationToken).ConfigureAwait(false);
        }

        ProcessMemory.ResetPeak();
        using var encoder = JasperEncoder.Load(directory, new JasperEncoderOptions
        {
            Device = _options.Device,
            MaxTokens = _options.Tokens.Max(),
            Truncate = true,
            BatchTokenBudget = _batchTokens,
        });
        using var probe = new MatMulProbe(variant.Precision, provider: encoder.Provider.Provider);
        result.Provider = encoder.Provider.Provider.ToName();
        var cosines = new List<double>();
        foreach (int tokens in _options.Tokens)
        {
            var texts = BenchTexts.Create(encoder.Tokenizer, tokens, _options.Texts);
            foreach (double ratio in _options.Ratios.Prepend(1.0).Distinct())
            {
                var cell = await MeasureCellAsync(encoder, probe, texts, ratio, peer, cancellationToken).ConfigureAwait(false);
                cell.Cell.SpeedupOverRatio1 = cell.Cell.TokensPerSecond / (result.Cells.FirstOrDefault(c => c.Tokens == tokens && c.Ratio == 1.0)?.TokensPerSecond ?? cell.Cell.TokensPerSecond);
                CompareToFp32(variant, tokens, ratio, cell.Vectors, cell.Cell, cosines);
                result.Cells.Add(cell.Cell);
                _log(Describe(variant, cell.Cell));
            }
        }

        result.PeakBytes = ProcessMemory.PeakBytes;
        if (cosines.Count > 0)
        {
            result.WorstCosineToFp32 = cosines.Min();
            result.MeanCosineToFp32 = cosines.Average();
        }

        return result;
    }

    private async Task<(CellResult Cell, float[][] Vectors)> MeasureCellAsync(
        JasperEncoder encoder, MatMulProbe probe, IReadOnlyList<TokenizedText> texts, double ratio, PythonPeer? peer, CancellationToken cancellationToken)
    {
        var prepared = texts.Select(t => new PreparedText(t, CompressionPlan.Create(t.Ids.Length, ratio, encoder.Compression.Threshold))).ToArray();
        int tokens = texts[0].Ids.Length;
        int positions = prepared[0].Plan.CompressedLength;
        double limit = probe.Measure(_options.ProbeTime);

        // Warm-up: the arena and kernels at this shape. A GPU picks its kernels per shape, so it warms up on the whole batch.
        await encoder.EmbedAsync(_onGpu ? prepared : prepared[..1], cancellationToken).ConfigureAwait(false);
        int passes = 0;
        IReadOnlyList<TextEmbedding> embeddings;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            embeddings = await encoder.EmbedAsync(prepared, cancellationToken).ConfigureAwait(false);
            passes++;
        }
        while (watch.Elapsed < _options.CellTime);
        double perPass = watch.Elapsed.TotalSeconds / passes;

        var manifest = encoder.Model.Manifest;
        double flops = texts.Count * EncoderCost.Flops(manifest.Architecture, manifest.Dimensions, tokens, positions, causal: !manifest.Graph.PacksTexts);
        var cell = new CellResult
        {
            Tokens = tokens,
            Ratio = ratio,
            Positions = positions,
            TokensPerSecond = texts.Count * tokens / perPass,
            MillisecondsPerText = perPass * 1000 / texts.Count,
            Gflops = flops / perPass / 1e9,
            LimitGflops = limit,
        };
        float[][] vectors = [.. embeddings.Select(e => e.Vector)];
        foreach (string dtype in peer is null ? [] : PeerDtypes)
        {
            var (peerPerPass, peerVectors) = await peer!.EmbedAsync([.. texts.Select(t => t.Ids)], ratio, dtype, PeerBatchSize, _options.CellTime, warmup: _onGpu ? 1 : 0, cancellationToken).ConfigureAwait(false);
            double cosine = vectors.Zip(peerVectors, (a, b) => (double)VectorMath.Cosine(a, b)).Min();
            cell.Peers.Add(new PeerCell(dtype, texts.Count * tokens / peerPerPass, peerPerPass * 1000 / texts.Count, cosine));
        }

        return (cell, vectors);
    }

    private void CompareToFp32(BenchVariant variant, int tokens, double ratio, float[][] vectors, CellResult cell, List<double> cosines)
    {
        if (variant.Label == "fp32")
        {
            _fp32[(tokens, ratio)] = vectors;
            return;
        }

        if (_fp32.TryGetValue((tokens, ratio), out var reference))
        {
            var cellCosines = vectors.Zip(reference, (a, b) => (double)VectorMath.Cosine(a, b)).ToList();
            cell.WorstCosineToFp32 = cellCosines.Min();
            cosines.AddRange(cellCosines);
        }
    }

    private async Task<ServeResult> MeasureServingAsync(BenchVariant variant, string directory, CancellationToken cancellationToken)
    {
        var summaries = new List<LoadSummary>();
        foreach (bool batching in new[] { true, false })
        {
            _log($"serving {variant.Label} to {_options.ServeClients} clients, dynamic batching {(batching ? "on" : "off")}");
            await using var server = await EmbeddingServer.StartAsync(new ServeOptions
            {
                Model = directory,
                Urls = "http://127.0.0.1:0",
                DynamicBatching = batching,
                Device = _options.Device,
            }).ConfigureAwait(false);
            await server.Host.WaitReadyAsync(cancellationToken).ConfigureAwait(false);
            var load = new LoadGenerator(server.Address, _options.ServeClients);
            var warmup = _options.ServeTime < TimeSpan.FromSeconds(3) ? _options.ServeTime : TimeSpan.FromSeconds(3);
            var summary = await load.RunAsync(warmup, _options.ServeTime, cancellationToken).ConfigureAwait(false);
            _log(load.Describe(summary));
            summaries.Add(summary);
        }

        return new ServeResult(variant.Label, _options.ServeClients, summaries[0], summaries[1]);
    }

    private static string Describe(BenchVariant variant, CellResult c) =>
        FormattableString.Invariant($"{variant.Label} {c.Tokens} tokens ratio {c.Ratio:0.##} ({c.Positions} positions): {c.TokensPerSecond:0} tokens/s, {c.Gflops:0} GFLOP/s = {c.FractionOfLimit:P0} of {c.LimitGflops:0}") +
        string.Concat(c.Peers.Select(p => FormattableString.Invariant($"; peer {p.Dtype} {p.TokensPerSecond:0} tokens/s ({c.TimesPeerIn(p.Dtype):0.00}x), cosine {p.Cosine:0.000000}"))) +
        (c.WorstCosineToFp32 is double cos ? FormattableString.Invariant($"; cosine to fp32 {cos:0.000000}") : string.Empty);
}

using Jasper.Embeddings.Inference;
using Jasper.Embeddings.Numerics;
using Jasper.Embeddings.Tests.Conversion;
using Jasper.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace Jasper.Embeddings.Tests.Inference;

/// <summary>
/// A batch the device runs out of memory for (another process took what the budget counted on) is split and run in
/// halves, and the budget comes down, instead of failing every text in it. The memory really runs out: the session
/// allocates from an ONNX Runtime CPU arena capped below what the batch needs, so its <c>Run</c> fails as a full GPU's
/// does, with the arena's "Failed to allocate memory".
/// </summary>
[Collection(TinyModelGroup.Name)]
public sealed class OutOfMemoryTests
{
    private const long ArenaCap = 256L << 20;

    [Fact]
    public async Task A_batch_that_runs_out_of_memory_is_split_until_it_fits_and_the_budget_comes_down()
    {
        var texts = Enumerable.Range(0, 16).Select(i => new EmbeddingInput($"{i} " + string.Concat(Enumerable.Repeat("memory ", 1100)))).ToList();
        var options = new JasperEncoderOptions { Device = ExecutionProvider.Cpu, Truncate = true, BatchTokenBudget = 16 * 1024 };
        using var unbounded = JasperEncoder.Load(TinyModels.Fp32, options);
        var expected = await unbounded.EmbedAsync(texts);

        var logs = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        using var arena = CappedCpuArena.Register(ArenaCap);
        using var capped = JasperEncoder.Load(TinyModels.Fp32, options, factory, JasperEncoder.DeviceMemoryFor, CappedCpuArena.UseIt);

        var results = await capped.EmbedAsync(texts);

        for (int i = 0; i < texts.Count; i++)
        {
            Assert.True(VectorMath.Cosine(expected[i].Vector, results[i].Vector) >= 0.99999, $"text {i}");
        }

        Assert.InRange(capped.BatchTokenBudget, 1024, 8 * 1024); // at most half of the 16 × 1,024 tokens that failed
        Assert.Contains(logs.Messages, m => m.Contains("out of memory", StringComparison.OrdinalIgnoreCase) && m.Contains("halves", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_single_text_the_device_has_no_memory_for_fails_with_what_to_do()
    {
        // One text of 16,384 tokens needs 4 GiB for its attention scores alone.
        var options = new JasperEncoderOptions { Device = ExecutionProvider.Cpu, Truncate = true, MaxTokens = 16384 };
        using var arena = CappedCpuArena.Register(ArenaCap);
        using var capped = JasperEncoder.Load(TinyModels.Fp32, options, null, JasperEncoder.DeviceMemoryFor, CappedCpuArena.UseIt);
        var text = new EmbeddingInput(string.Concat(Enumerable.Repeat("memory ", 20_000)));

        var error = await Assert.ThrowsAsync<DeviceMemoryExhaustedException>(() => capped.EmbedAsync([text]));
        Assert.Contains("16,384 tokens", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxTokens", error.Message, StringComparison.Ordinal);

        // The encoder is not left broken: a short text still runs.
        Assert.Single(await capped.EmbedAsync([new EmbeddingInput("short")]));
    }

    /// <summary>An ONNX Runtime CPU arena of at most <c>cap</c> bytes, shared by the sessions that opt in, for one test.</summary>
    private sealed class CappedCpuArena : IDisposable
    {
        private static readonly SemaphoreSlim OneAtATime = new(1, 1); // the environment holds one CPU allocator
        private readonly OrtMemoryInfo _memory;

        private CappedCpuArena(OrtMemoryInfo memory) => _memory = memory;

        public static CappedCpuArena Register(long cap)
        {
            OneAtATime.Wait();
            var memory = new OrtMemoryInfo(OrtMemoryInfo.allocatorCPU, OrtAllocatorType.ArenaAllocator, 0, OrtMemType.Default);
            using var config = new OrtArenaCfg((uint)cap, arenaExtendStrategy: 1, initialChunkSizeBytes: -1, maxDeadBytesPerChunk: -1);
            OrtEnv.Instance().CreateAndRegisterAllocator(memory, config);
            return new CappedCpuArena(memory);
        }

        public static void UseIt(SessionOptions options) => options.AddSessionConfigEntry("session.use_env_allocators", "1");

        public void Dispose()
        {
            OrtEnv.Instance().UnregisterAllocator(_memory);
            _memory.Dispose();
            OneAtATime.Release();
        }
    }
}

using Jasper.Embeddings.Checkpoints;

namespace Jasper.Cli.Benchmarking;

/// <summary>
/// Floating-point operations of one text's forward pass, counted as 2 per multiply-add of the matrix products a
/// dense implementation performs: jasper_mlp on every token, the projections and MLP of every layer on every
/// compressed position, the attention products over all positions (scores and context; the causal half is
/// computed and masked, as ONNX Runtime's and PyTorch's dense kernels do; a fused causal kernel such as flash
/// attention skips it, so <c>causal</c> counts only the keys at or before each query), and the output projection.
/// Elementwise work, normalisation and the pooling are left out: they are memory-bound and under 1% of the products.
/// </summary>
public static class EncoderCost
{
    /// <summary>FLOPs for a text of <paramref name="tokens"/> tokens compressed to <paramref name="positions"/> positions.</summary>
    public static double Flops(ModelConfig config, int outputDimensions, int tokens, int positions, bool causal = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        double hidden = config.HiddenSize;
        double queryWidth = (double)config.NumAttentionHeads * config.HeadDim;
        double keyWidth = (double)config.NumKeyValueHeads * config.HeadDim;
        double mlp = 3 * hidden * config.IntermediateSize;
        double projections = (hidden * queryWidth) + (2 * hidden * keyWidth) + (queryWidth * hidden);
        double keys = causal ? (positions + 1) / 2.0 : positions; // on average, per query
        double attention = 2.0 * keys * queryWidth; // per position: scores and context over the keys
        double perPosition = config.NumHiddenLayers * (projections + mlp + attention);
        return 2 * ((tokens * mlp) + (positions * perPosition) + (hidden * outputDimensions));
    }

    /// <summary>FLOPs of one <c>[m, k] × [k, n]</c> product.</summary>
    public static double MatMulFlops(long m, long k, long n) => 2.0 * m * k * n;
}

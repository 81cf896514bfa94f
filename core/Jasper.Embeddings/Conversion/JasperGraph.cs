using Jasper.Embeddings.Checkpoints;
using Jasper.Embeddings.Models;
using Jasper.Embeddings.Numerics;
using Jasper.Embeddings.Onnx;
using DataType = Jasper.Embeddings.Onnx.Proto.TensorProto.Types.DataType;

namespace Jasper.Embeddings.Conversion;

/// <summary>
/// The Jasper-Token-Compression forward pass as an ONNX graph (jasper-model.md, "Forward pass"):
/// embeddings → jasper_mlp on every token → per-text adaptive average pooling → Qwen3 decoder (causal) →
/// mean over each text's compressed positions → linear_1. L2 normalisation is left to the caller.
/// </summary>
/// <remarks>
/// Compression is a run-time input: the pooling windows arrive as <c>pool_start</c>/<c>pool_end</c>
/// [batch, positions], token indices within the row. A row may hold several texts one after another (packing, so
/// that short texts do not pay for padding): <c>position_text</c> says which text of its row each position belongs
/// to (-1 for padding) and <c>position_index</c> its place within that text, which drives the rotary embedding.
/// Attention is causal within a text and blind across texts; <c>text_positions</c> [batch, texts] holds each text's
/// number of positions (0 for an empty slot) and the output is one vector per slot, [batch, texts, dimensions].
/// Padded positions have empty windows and pool to zero. Nothing about the ratio is in the graph.
/// </remarks>
internal sealed class JasperGraph
{
    /// <summary>Graph input: token ids [batch, tokens], int64.</summary>
    public const string InputIds = "input_ids";

    /// <summary>Graph input: first token of each pooling window [batch, positions], int64.</summary>
    public const string PoolStart = "pool_start";

    /// <summary>Graph input: end (exclusive) of each pooling window [batch, positions], int64.</summary>
    public const string PoolEnd = "pool_end";

    /// <summary>Graph input: the text (slot of its row) each position belongs to, -1 for padding [batch, positions], int64.</summary>
    public const string PositionText = "position_text";

    /// <summary>Graph input: each position's index within its own text [batch, positions], int64.</summary>
    public const string PositionIndex = "position_index";

    /// <summary>Graph input: positions per text slot, 0 for an empty slot [batch, texts], int64.</summary>
    public const string TextPositions = "text_positions";

    /// <summary>Graph output: un-normalised sentence embeddings [batch, texts, dimensions], float32.</summary>
    public const string Embeddings = "embeddings";

    /// <summary>The graph's inputs in the order the encoder feeds them.</summary>
    public static IReadOnlyList<string> Inputs { get; } = [InputIds, PoolStart, PoolEnd, PositionText, PositionIndex, TextPositions];

    /// <summary>Whether a converted model's graph takes the inputs this version feeds (older conversions do not).</summary>
    public static bool IsCurrent(GraphManifest graph) => graph.Inputs.SequenceEqual(Inputs);

    /// <summary>ONNX operator set the graph uses; every operator in it has CPU, CUDA and DirectML kernels.</summary>
    public const long OpsetVersion = 17;

    /// <summary>ONNX Runtime's operator domain, for <c>MatMulNBits</c> in the quantized variants.</summary>
    public const string MicrosoftDomain = "com.microsoft";

    /// <summary>
    /// ONNX Runtime's accuracy level 4 for <c>MatMulNBits</c>: activations are quantized to int8 per block, so the
    /// products run on the CPU's int8 dot-product instructions (VNNI) rather than dequantizing weights to float32.
    /// </summary>
    public const long Int8Accuracy = 4;

    private readonly OnnxGraphBuilder _g;
    private readonly ModelConfig _config;
    private readonly IWeightSource _weights;
    private readonly TensorDType _computeType;
    private readonly DataType _computeOnnxType;
    private readonly BlockQuantizer? _quantizer;
    private readonly GraphAttention _attention;

    private JasperGraph(OnnxGraphBuilder g, ModelConfig config, IWeightSource weights, ModelPrecision precision, int? blockSize, GraphAttention attention)
    {
        _attention = attention;
        _g = g;
        _config = config;
        _weights = weights;
        _quantizer = precision.IsQuantized() ? new BlockQuantizer(precision.WeightBits(), blockSize ?? precision.DefaultBlockSize()) : null;
        _computeType = precision == ModelPrecision.Fp16 ? TensorDType.Float16 : TensorDType.Float32;
        _computeOnnxType = OnnxGraphBuilder.ElementType(_computeType);
    }

    /// <summary>Adds the whole forward pass to <paramref name="g"/>.</summary>
    public static void Build(OnnxGraphBuilder g, ModelConfig config, int outputDimensions, IWeightSource weights, ModelPrecision precision, int? blockSize = null, GraphAttention attention = GraphAttention.Explicit)
    {
        if (blockSize is int size && (size < 16 || !int.IsPow2(size)))
        {
            throw new ArgumentOutOfRangeException(nameof(blockSize), size, "MatMulNBits needs a block size that is a power of two of at least 16.");
        }

        new JasperGraph(g, config, weights, precision, blockSize, attention).Build(outputDimensions);
    }

    /// <summary>The operator sets a graph of <paramref name="precision"/> and <paramref name="attention"/> imports.</summary>
    public static IReadOnlyList<(string Domain, long Version)> OperatorSets(ModelPrecision precision, GraphAttention attention = GraphAttention.Explicit) =>
        precision.IsQuantized() || attention == GraphAttention.Fused ? [(string.Empty, OpsetVersion), (MicrosoftDomain, 1)] : [(string.Empty, OpsetVersion)];

    private void Build(int outputDimensions)
    {
        string ids = _g.Input(InputIds, DataType.Int64, "batch", "tokens");
        string poolStart = _g.Input(PoolStart, DataType.Int64, "batch", "positions");
        string poolEnd = _g.Input(PoolEnd, DataType.Int64, "batch", "positions");
        string positionText = _g.Input(PositionText, DataType.Int64, "batch", "positions");
        string positionIndex = _g.Input(PositionIndex, DataType.Int64, "batch", "positions");
        string textPositions = _g.Input(TextPositions, DataType.Int64, "batch", "texts");
        _g.Output(Embeddings, DataType.Float, "batch", "texts", outputDimensions);

        string embedded = Embed(ids);
        string tokens = ToFloat32(SwiGlu(JasperTensorNames.JasperMlp, embedded));
        string x = Compress(tokens, ids, poolStart, poolEnd);

        Func<JasperTensorNames.LayerNames, string, string> attention = _attention == GraphAttention.Fused
            ? FusedAttention(positionText, textPositions)
            : ExplicitAttention(positionIndex, positionText);
        for (int i = 0; i < _config.NumHiddenLayers; i++)
        {
            x = DecoderLayer(JasperTensorNames.Layer(i), x, attention);
        }

        x = RmsNorm(x, JasperTensorNames.FinalNorm, _config.HiddenSize);
        string pooled = TextMeans(x, positionText, textPositions);
        string projected = _g.MatMul(pooled, _weights.Linear(JasperTensorNames.Linear1Weight, outputDimensions, _config.HiddenSize, TensorDType.Float32));
        _g.Add(projected, _weights.Vector(JasperTensorNames.Linear1Bias, outputDimensions), output: Embeddings);
    }

    private string Embed(string ids)
    {
        if (_quantizer is null)
        {
            return _g.Gather(_weights.Embedding(JasperTensorNames.EmbedTokens, _config.VocabSize, _config.HiddenSize, _computeType), ids);
        }

        // int8 with one scale per row; only the looked-up rows are dequantized: (code - zero point) * row scale.
        var rows = new BlockQuantizer(8, _config.HiddenSize);
        var (codes, scales) = _weights.QuantizedEmbedding(JasperTensorNames.EmbedTokens, _config.VocabSize, _config.HiddenSize, rows);
        string centred = _g.Sub(_g.Cast(_g.Gather(codes, ids), DataType.Float), _g.Float32(rows.ZeroPoint));
        return _g.Mul(centred, _g.Unsqueeze(_g.Gather(scales, ids), 2));
    }

    // x @ Wᵀ for a torch.nn.Linear weight [out, in]: MatMul on float weights, MatMulNBits on quantized ones.
    private string Linear(string x, string name, long outFeatures, long inFeatures)
    {
        if (_quantizer is null)
        {
            return _g.MatMul(x, _weights.Linear(name, outFeatures, inFeatures, _computeType));
        }

        var (codes, scales) = _weights.QuantizedLinear(name, outFeatures, inFeatures, _quantizer);
        return _g.MatMulNBits(x, codes, scales, inFeatures, outFeatures, _quantizer.Bits, _quantizer.BlockSize, Int8Accuracy);
    }

    // Adaptive average pooling as a product with a 0/1 window matrix [batch, positions, tokens], then a division
    // by the window sizes: the sums are float32 in every precision.
    private string Compress(string tokens, string ids, string poolStart, string poolEnd)
    {
        string tokenCount = _g.Dim(ids, 1);
        string tokenIndex = _g.Range(_g.Int64(0), tokenCount, _g.Int64(1));
        string inWindow = _g.And(
            _g.GreaterOrEqual(tokenIndex, _g.Unsqueeze(poolStart, 2)),
            _g.Less(tokenIndex, _g.Unsqueeze(poolEnd, 2)));
        string sums = _g.MatMul(_g.Cast(inWindow, DataType.Float), tokens);
        string widths = _g.Cast(_g.Sub(poolEnd, poolStart), DataType.Float);
        return _g.Div(sums, _g.Unsqueeze(_g.Max(widths, _g.Float32(1f)), 2));
    }

    private string DecoderLayer(JasperTensorNames.LayerNames names, string x, Func<JasperTensorNames.LayerNames, string, string> attentionOf)
    {
        string attention = attentionOf(names, RmsNorm(x, names.InputNorm, _config.HiddenSize));
        x = _g.Add(x, attention);
        string mlp = ToFloat32(SwiGlu(names.Mlp, ToCompute(RmsNorm(x, names.PostAttentionNorm, _config.HiddenSize))));
        return _g.Add(x, mlp);
    }

    // The rotary tables and the mask are computed once and shared by every layer.
    private Func<JasperTensorNames.LayerNames, string, string> ExplicitAttention(string positionIndex, string positionText)
    {
        var rotary = Rotary(positionIndex);
        string mask = TextCausalMask(positionText);
        return (names, normed) => Attention(names, normed, rotary, mask);
    }

    // GroupQueryAttention takes each row's valid length minus one (int32) and the padded length; its rotary tables
    // are [positions, head_dim / 2] in the compute type, at positions 0..P-1 (each row holds one text from position 0).
    private Func<JasperTensorNames.LayerNames, string, string> FusedAttention(string positionText, string textPositions)
    {
        string positions = _g.Dim(positionText, 1);
        string seqlensK = _g.Cast(_g.Sub(_g.Reshape(textPositions, -1), _g.Int64(1)), DataType.Int32);
        string totalLength = _g.Cast(positions, DataType.Int32);
        int half = _config.HeadDim / 2;
        string angles = _g.Mul(_g.Unsqueeze(_g.Cast(_g.Range(_g.Int64(0), positions, _g.Int64(1)), DataType.Float), 1), _g.Float32Tensor(InverseFrequencies(), [1, half]));
        string cos = ToCompute(_g.Cos(angles));
        string sin = ToCompute(_g.Sin(angles));
        return (names, normed) => GroupedAttention(names, normed, seqlensK, totalLength, cos, sin);
    }

    private string GroupedAttention(JasperTensorNames.LayerNames names, string normed, string seqlensK, string totalLength, string cos, string sin)
    {
        int heads = _config.NumAttentionHeads;
        int kvHeads = _config.NumKeyValueHeads;
        int headDim = _config.HeadDim;
        string h = ToCompute(normed);
        string q = ToCompute(_g.Reshape(HeadNormed(names.QProj, names.QNorm, h, heads), 0, 0, heads * headDim));
        string k = ToCompute(_g.Reshape(HeadNormed(names.KProj, names.KNorm, h, kvHeads), 0, 0, kvHeads * headDim));
        string v = Projection(names.VProj, h, kvHeads * headDim);
        string context = _g.GroupQueryAttention(q, k, v, seqlensK, totalLength, cos, sin, heads, kvHeads);
        return ToFloat32(Linear(context, names.OProj, _config.HiddenSize, heads * headDim));
    }

    private string Attention(JasperTensorNames.LayerNames names, string normed, (string Cos, string Sin) rotary, string mask)
    {
        int heads = _config.NumAttentionHeads;
        int kvHeads = _config.NumKeyValueHeads;
        int headDim = _config.HeadDim;
        string h = ToCompute(normed);

        // Queries are scaled before the product so that float16 scores stay in range.
        float scale = (float)(1.0 / Math.Sqrt(headDim));
        string q = _g.Mul(HeadsWithRotary(names.QProj, names.QNorm, h, heads, rotary), _g.Float32(scale));
        string k = HeadsWithRotary(names.KProj, names.KNorm, h, kvHeads, rotary);
        string v = _g.Transpose(_g.Reshape(Projection(names.VProj, h, kvHeads * headDim), 0, 0, kvHeads, headDim), 0, 2, 1, 3);

        // Grouped-query attention without copying keys: queries [b, kv, group, t, d] against keys [b, kv, 1, t, d].
        int group = heads / kvHeads;
        string q5 = ToCompute(_g.Reshape(q, 0, kvHeads, group, -1, headDim));
        string k5 = ToCompute(_g.Unsqueeze(k, 2));
        string v5 = _g.Unsqueeze(v, 2);
        string scores = _g.Add(ToFloat32(_g.MatMul(q5, _g.Transpose(k5, 0, 1, 2, 4, 3))), mask);
        string probabilities = ToCompute(_g.Softmax(scores, -1));
        string context = _g.MatMul(probabilities, v5);
        context = _g.Reshape(_g.Transpose(_g.Reshape(context, 0, heads, -1, headDim), 0, 2, 1, 3), 0, 0, heads * headDim);
        return ToFloat32(Linear(context, names.OProj, _config.HiddenSize, heads * headDim));
    }

    // Projection → [b, heads, t, d] with the per-head RMSNorm applied before the rotary embedding (Qwen3).
    private string HeadsWithRotary(string projection, string norm, string h, int heads, (string Cos, string Sin) rotary) =>
        Rotate(_g.Transpose(HeadNormed(projection, norm, h, heads), 0, 2, 1, 3), rotary);

    // Projection → [b, t, heads, d] with Qwen3's per-head RMSNorm, float32.
    private string HeadNormed(string projection, string norm, string h, int heads)
    {
        int headDim = _config.HeadDim;
        string split = _g.Reshape(Projection(projection, h, heads * headDim), 0, 0, heads, headDim);
        return RmsNorm(ToFloat32(split), norm, headDim);
    }

    private string Projection(string name, string h, long outFeatures)
    {
        string y = Linear(h, name, outFeatures, _config.HiddenSize);
        string bias = JasperTensorNames.LayerNames.Bias(name);
        return _config.AttentionBias && _weights.Has(bias) ? _g.Add(y, ToCompute(_weights.Vector(bias, outFeatures))) : y;
    }

    // x * cos + rotate_half(x) * sin, rotate_half(x) = [-x2, x1]; float32.
    private string Rotate(string x, (string Cos, string Sin) rotary)
    {
        long half = _config.HeadDim / 2;
        string x1 = _g.Slice(x, -1, 0, half);
        string x2 = _g.Slice(x, -1, half, _config.HeadDim);
        string rotated = _g.Concat(-1, _g.Neg(x2), x1);
        return _g.Add(_g.Mul(x, rotary.Cos), _g.Mul(rotated, rotary.Sin));
    }

    // cos/sin [batch, 1, positions, head_dim] at each position's index within its text, as Qwen3's rotary embedding
    // computes them in float32; the 1 broadcasts over the heads.
    private (string Cos, string Sin) Rotary(string positionIndex)
    {
        int half = _config.HeadDim / 2;
        string positions = _g.Cast(positionIndex, DataType.Float);
        string frequencies = _g.Mul(_g.Unsqueeze(positions, 2), _g.Float32Tensor(InverseFrequencies(), [1, 1, half]));
        string angles = _g.Unsqueeze(_g.Concat(-1, frequencies, frequencies), 1);
        return (_g.Cos(angles), _g.Sin(angles));
    }

    // θ^(-2i/d) for i < d/2, as Qwen3's rotary embedding computes them.
    private float[] InverseFrequencies()
    {
        var inverseFrequency = new float[_config.HeadDim / 2];
        for (int i = 0; i < inverseFrequency.Length; i++)
        {
            inverseFrequency[i] = (float)(1.0 / Math.Pow(_config.RopeTheta, 2.0 * i / _config.HeadDim));
        }

        return inverseFrequency;
    }

    // Additive mask [batch, 1, 1, positions, positions] (broadcast over key heads and query groups): 0 where the key
    // is an earlier or the same position of the same text, -inf elsewhere. Padding (-1) attends only to padding, so
    // no softmax row is empty.
    private string TextCausalMask(string positionText)
    {
        string index = _g.Range(_g.Int64(0), _g.Dim(positionText, 1), _g.Int64(1));
        string sameText = _g.Equal(_g.Unsqueeze(positionText, 2), _g.Unsqueeze(positionText, 1));
        string notLater = _g.LessOrEqual(_g.Unsqueeze(index, 0), _g.Unsqueeze(index, 1));
        string visible = _g.And(sameText, notLater);
        return _g.Unsqueeze(_g.Where(visible, _g.Float32(0f), _g.Float32(float.NegativeInfinity)), 1, 2);
    }

    private string SwiGlu(JasperTensorNames.SwiGluNames names, string x)
    {
        long hidden = _config.HiddenSize;
        long intermediate = _config.IntermediateSize;
        string gate = Linear(x, names.Gate, intermediate, hidden);
        string up = Linear(x, names.Up, intermediate, hidden);
        string activated = _g.Mul(_g.Mul(gate, _g.Sigmoid(gate)), up);
        return Linear(activated, names.Down, hidden, intermediate);
    }

    // w * x / sqrt(mean(x²) + eps), float32 (the Pow/ReduceMean/Add/Sqrt/Div/Mul shape ONNX Runtime fuses).
    private string RmsNorm(string x, string weightName, long size)
    {
        string variance = _g.ReduceMean(_g.Pow(x, _g.Float32(2f)), -1, keepDims: true);
        string normed = _g.Div(x, _g.Sqrt(_g.Add(variance, _g.Float32((float)_config.RmsNormEps))));
        return _g.Mul(normed, _weights.Vector(weightName, size));
    }

    // Mean over each text's positions: a 0/1 membership matrix [batch, texts, positions] times x, over the counts.
    private string TextMeans(string x, string positionText, string textPositions)
    {
        string slots = _g.Range(_g.Int64(0), _g.Dim(textPositions, 1), _g.Int64(1));
        string member = _g.Cast(_g.Equal(_g.Unsqueeze(slots, 0, 2), _g.Unsqueeze(positionText, 1)), DataType.Float);
        string counts = _g.Max(_g.Cast(textPositions, DataType.Float), _g.Float32(1f));
        return _g.Div(_g.MatMul(member, x), _g.Unsqueeze(counts, 2));
    }

    private string ToCompute(string x) => _computeType == TensorDType.Float32 ? x : _g.Cast(x, _computeOnnxType);

    private string ToFloat32(string x) => _computeType == TensorDType.Float32 ? x : _g.Cast(x, DataType.Float);
}

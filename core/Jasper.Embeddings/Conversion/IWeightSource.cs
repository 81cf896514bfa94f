using Jasper.Embeddings.Numerics;

namespace Jasper.Embeddings.Conversion;

/// <summary>Supplies the graph's weights as initializers, one tensor at a time.</summary>
internal interface IWeightSource
{
    /// <summary>A <c>torch.nn.Linear</c> weight stored [out, in], as an initializer laid out [in, out] for MatMul.</summary>
    string Linear(string name, long outFeatures, long inFeatures, TensorDType dtype);

    /// <summary>
    /// A <c>torch.nn.Linear</c> weight block-quantized for <c>MatMulNBits</c>: codes [out, blocks, block bytes] and
    /// scales [out, blocks].
    /// </summary>
    (string Codes, string Scales) QuantizedLinear(string name, long outFeatures, long inFeatures, BlockQuantizer quantizer);

    /// <summary>The embedding table quantized by <paramref name="rowQuantizer"/> (one block per row): codes [vocab, hidden] and scales [vocab].</summary>
    (string Codes, string Scales) QuantizedEmbedding(string name, long vocab, long hidden, BlockQuantizer rowQuantizer);

    /// <summary>A vector (norm weight or bias) as float32.</summary>
    string Vector(string name, long size);

    /// <summary>Whether the checkpoint has the tensor (optional biases).</summary>
    bool Has(string name);

    /// <summary>The embedding table [vocab, hidden].</summary>
    string Embedding(string name, long vocab, long hidden, TensorDType dtype);
}

namespace Jasper.Embeddings.Conversion;

/// <summary>Progress of a conversion: the tensor being written.</summary>
/// <param name="Tensor">Its name.</param>
/// <param name="Index">1-based count of tensors written so far, this one included.</param>
/// <param name="Total">Tensors in the checkpoint.</param>
public readonly record struct ConversionProgress(string Tensor, int Index, int Total);

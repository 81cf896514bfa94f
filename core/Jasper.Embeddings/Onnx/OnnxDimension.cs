namespace Jasper.Embeddings.Onnx;

/// <summary>A tensor dimension in a graph signature: a fixed size or a named symbolic one.</summary>
internal readonly record struct OnnxDimension
{
    private OnnxDimension(long? size, string? symbol)
    {
        Size = size;
        Symbol = symbol;
    }

    /// <summary>The fixed size, when fixed.</summary>
    public long? Size { get; }

    /// <summary>The symbolic name, when symbolic.</summary>
    public string? Symbol { get; }

    /// <summary>A fixed dimension.</summary>
    public static implicit operator OnnxDimension(long size) => new(size, null);

    /// <summary>A symbolic dimension such as <c>batch</c>.</summary>
    public static implicit operator OnnxDimension(string symbol) => new(null, symbol);

    /// <summary>A fixed dimension.</summary>
    public static OnnxDimension FromInt64(long size) => size;

    /// <summary>A symbolic dimension.</summary>
    public static OnnxDimension FromString(string symbol) => symbol;
}

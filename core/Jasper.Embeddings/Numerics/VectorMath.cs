using System.Numerics.Tensors;

namespace Jasper.Embeddings.Numerics;

/// <summary>Vector operations on embeddings.</summary>
public static class VectorMath
{
    /// <summary>Scales <paramref name="vector"/> to unit L2 norm in place (a zero vector stays zero); returns the norm it had.</summary>
    public static float NormalizeInPlace(Span<float> vector)
    {
        float norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }

        return norm;
    }

    /// <summary>The first <paramref name="dimensions"/> values, renormalised (OpenAI's <c>dimensions</c> semantics).</summary>
    public static float[] TruncateAndNormalize(ReadOnlySpan<float> vector, int dimensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimensions, vector.Length);
        float[] result = vector[..dimensions].ToArray();
        NormalizeInPlace(result);
        return result;
    }

    /// <summary>Cosine similarity of two vectors of equal length.</summary>
    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => TensorPrimitives.CosineSimilarity(a, b);
}

using System.Text;

namespace Jasper.Embeddings.Checkpoints;

/// <summary>
/// A counter-based, approximately normal generator: element <c>k</c> of a named tensor is a pure function of
/// (seed, name, k), so any chunk can be produced independently and the result never depends on chunk boundaries.
/// </summary>
/// <remarks>
/// Each value is an Irwin-Hall sum of four uniforms rescaled to unit variance. It uses only exact IEEE arithmetic
/// (no logarithm or cosine from the platform's maths library), so the same seed gives the same bytes on every
/// machine, which the committed reference outputs depend on.
/// </remarks>
internal static class GaussianStream
{
    private const int Terms = 4;
    private static readonly double UnitVarianceScale = Math.Sqrt(12.0 / Terms);

    /// <summary>Writes elements <c>[start, start + destination.Length)</c> with the given mean and deviation.</summary>
    public static void Fill(ulong seed, string name, long start, Span<float> destination, double mean, double std)
    {
        ulong key = SplitMix(seed ^ Fnv1a(name));
        for (int i = 0; i < destination.Length; i++)
        {
            ulong counter = (ulong)(start + i) * Terms;
            double sum = 0;
            for (uint t = 0; t < Terms; t++)
            {
                sum += ToUnitInterval(SplitMix(key + counter + t));
            }

            double z = (sum - (Terms / 2.0)) * UnitVarianceScale;
            destination[i] = (float)(mean + (std * z));
        }
    }

    private static double ToUnitInterval(ulong bits) => (bits >> 11) * (1.0 / (1UL << 53));

    private static ulong SplitMix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    private static ulong Fnv1a(string text)
    {
        ulong hash = 0xCBF29CE484222325UL;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 0x100000001B3UL;
        }

        return hash;
    }
}

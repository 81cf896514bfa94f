namespace Jasper.Embeddings.Compression;

/// <summary>
/// How one text of <see cref="Length"/> tokens is compressed to <see cref="CompressedLength"/> positions: the
/// published rule <c>T = int(threshold + (L - threshold) * ratio)</c> in double precision, then adaptive average
/// pooling whose output <c>i</c> averages input rows <c>[floor(i*L/T), ceil((i+1)*L/T))</c>.
/// </summary>
public readonly record struct CompressionPlan
{
    private CompressionPlan(int length, int compressedLength, double ratio)
    {
        Length = length;
        CompressedLength = compressedLength;
        Ratio = ratio;
    }

    /// <summary>Tokens before compression.</summary>
    public int Length { get; }

    /// <summary>Positions after compression (equal to <see cref="Length"/> when nothing is compressed).</summary>
    public int CompressedLength { get; }

    /// <summary>The ratio asked for.</summary>
    public double Ratio { get; }

    /// <summary>Whether the plan leaves the sequence as it is.</summary>
    public bool IsIdentity => CompressedLength == Length;

    /// <summary>Plans a text of <paramref name="length"/> tokens at <paramref name="ratio"/>.</summary>
    public static CompressionPlan Create(int length, double ratio, int threshold)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfNegative(threshold);
        CompressionSettings.Validate(ratio);
        return new CompressionPlan(length, TargetLength(length, ratio, threshold), ratio);
    }

    /// <summary>
    /// <c>int(threshold + (length - threshold) * ratio)</c> evaluated in double precision and truncated toward
    /// zero, as Python does; float32 would give other lengths (128 tokens at 1/3 is 96, at 0.3333 it is 95).
    /// </summary>
    public static int TargetLength(int length, double ratio, int threshold)
    {
        if (length <= threshold)
        {
            return length;
        }

        double target = threshold + ((length - threshold) * ratio);
        return Math.Clamp((int)Math.Truncate(target), 1, length);
    }

    /// <summary>Input rows <c>[Start, End)</c> averaged into output position <paramref name="index"/>.</summary>
    public (int Start, int End) Window(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, CompressedLength);
        long l = Length;
        long t = CompressedLength;
        int start = (int)(index * l / t);
        int end = (int)((((index + 1) * l) + t - 1) / t);
        return (start, end);
    }
}

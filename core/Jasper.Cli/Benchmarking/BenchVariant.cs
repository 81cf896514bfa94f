using Jasper.Embeddings.Conversion;

namespace Jasper.Cli.Benchmarking;

/// <summary>
/// One converted model a bench run measures: a precision with its default attention (<c>fp16</c>), or with the other
/// one named after it (<c>fp16-explicit</c>, <c>fp32-fused</c>), so that a run can measure the two side by side.
/// </summary>
internal sealed record BenchVariant(ModelPrecision Precision, GraphAttention Attention)
{
    /// <summary>The label of the variant, as <see cref="Parse"/> reads it.</summary>
    public string Label => Attention == GraphAttentions.DefaultFor(Precision) ? Precision.ToName() : $"{Precision.ToName()}-{Attention.ToName()}";

    /// <summary>Parses <c>fp32</c>, <c>fp16</c>, <c>int8</c>, <c>int4</c>, optionally followed by <c>-explicit</c> or <c>-fused</c>.</summary>
    public static BenchVariant Parse(string label)
    {
        string[] parts = label.Split('-', 2);
        var precision = ModelPrecisions.Parse(parts[0]);
        return new BenchVariant(precision, parts.Length == 2 ? GraphAttentions.Parse(parts[1]) : GraphAttentions.DefaultFor(precision));
    }

    public override string ToString() => Label;
}

using ScottPlot;

namespace Jasper.Cli.Benchmarking;

/// <summary>
/// Throughput against compression ratio: one colour per precision (the PyTorch peer grey and dashed), one marker
/// shape per text length, tokens per second on a logarithmic axis so that every precision and length stays readable.
/// </summary>
internal static class BenchPlot
{
    private static readonly MarkerShape[] Shapes = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.OpenCircle];

    public static void Save(BenchResult result, string path)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int[] lengths = [.. result.Precisions.SelectMany(p => p.Cells).Select(c => c.Tokens).Distinct().Order()];
        for (int p = 0; p < result.Precisions.Count; p++)
        {
            var precision = result.Precisions[p];
            foreach (var group in precision.Cells.GroupBy(c => c.Tokens))
            {
                var cells = group.OrderBy(c => c.Ratio).ToArray();
                var shape = Shapes[Array.IndexOf(lengths, group.Key) % Shapes.Length];
                Line(plot, cells.Select(c => c.Ratio), cells.Select(c => c.TokensPerSecond), palette.GetColor(p), shape, $"{precision.Precision}, {group.Key} tokens", dashed: false);
                var peer = cells.Where(c => c.PeerTokensPerSecond is not null).ToArray();
                if (peer.Length > 0)
                {
                    Line(plot, peer.Select(c => c.Ratio), peer.Select(c => c.PeerTokensPerSecond!.Value), Colors.Gray, shape, $"PyTorch fp32 peer, {group.Key} tokens", dashed: true);
                }
            }
        }

        // Values are plotted as log10; the ticks are placed and labelled back in tokens per second.
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => Math.Pow(10, y).ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
        };
        plot.Title($"Jasper encoder on {result.Machine.Cpu}, {result.Machine.Processors} threads");
        plot.XLabel("compression ratio");
        plot.YLabel("tokens per second (log scale)");
        plot.ShowLegend(Edge.Right);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        plot.SavePng(path, 1100, 640);
    }

    private static void Line(Plot plot, IEnumerable<double> ratios, IEnumerable<double> tokensPerSecond, Color color, MarkerShape shape, string label, bool dashed)
    {
        var line = plot.Add.Scatter(ratios.ToArray(), tokensPerSecond.Select(Math.Log10).ToArray(), color);
        line.MarkerShape = shape;
        line.MarkerSize = 7;
        line.LegendText = label;
        if (dashed)
        {
            line.LinePattern = LinePattern.Dashed;
        }
    }
}

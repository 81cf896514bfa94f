using ScottPlot;

namespace Jasper.Cli.Benchmarking;

/// <summary>Throughput against compression ratio, one line per precision and length, the PyTorch peer dashed.</summary>
internal static class BenchPlot
{
    public static void Save(BenchResult result, string path)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int series = 0;
        foreach (var precision in result.Precisions)
        {
            foreach (var group in precision.Cells.GroupBy(c => c.Tokens))
            {
                var cells = group.OrderBy(c => c.Ratio).ToArray();
                var color = palette.GetColor(series++);
                var line = plot.Add.Scatter(cells.Select(c => c.Ratio).ToArray(), cells.Select(c => c.TokensPerSecond).ToArray(), color);
                line.LegendText = $"{precision.Precision}, {group.Key} tokens";
                var peer = cells.Where(c => c.PeerTokensPerSecond is not null).ToArray();
                if (peer.Length > 0)
                {
                    var peerLine = plot.Add.Scatter(peer.Select(c => c.Ratio).ToArray(), peer.Select(c => c.PeerTokensPerSecond!.Value).ToArray(), color);
                    peerLine.LinePattern = LinePattern.Dashed;
                    peerLine.LegendText = $"PyTorch peer, {group.Key} tokens";
                }
            }
        }

        plot.Title($"Jasper encoder throughput on {result.Machine.Cpu} ({result.Machine.Processors} threads)");
        plot.XLabel("compression ratio");
        plot.YLabel("tokens per second");
        plot.ShowLegend(Alignment.UpperRight);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        plot.SavePng(path, 1000, 620);
    }
}

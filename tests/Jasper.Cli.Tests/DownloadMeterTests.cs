using Jasper.Embeddings.Hub;
using Microsoft.Extensions.Time.Testing;

namespace Jasper.Cli.Tests;

public sealed class DownloadMeterTests
{
    [Fact]
    public void A_download_shows_percent_speed_and_time_left_from_what_arrived_since_it_started()
    {
        var time = new FakeTimeProvider();
        var meter = new DownloadMeter(time);
        const long total = 100L << 20;

        Assert.Equal("downloading model.safetensors: 10.0 MiB of 100.0 MiB (10 %)", meter.Describe(new DownloadProgress("model.safetensors", 10L << 20, total)));
        time.Advance(TimeSpan.FromSeconds(2));

        // 20 MiB in 2 s since the first report (a resumed download counts only what this run fetched): 10 MiB/s, 7 s left.
        Assert.Equal("downloading model.safetensors: 30.0 MiB of 100.0 MiB (30 %), 10.0 MiB/s, 7 s left", meter.Describe(new DownloadProgress("model.safetensors", 30L << 20, total)));
    }

    [Fact]
    public void Each_file_is_timed_on_its_own_and_an_unknown_size_shows_bytes_and_speed_only()
    {
        var time = new FakeTimeProvider();
        var meter = new DownloadMeter(time);
        meter.Describe(new DownloadProgress("a.bin", 0, 10));
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal("downloading b.json: 0 B", meter.Describe(new DownloadProgress("b.json", 0, null)));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("downloading b.json: 2.0 KiB, 2.0 KiB/s", meter.Describe(new DownloadProgress("b.json", 2048, null)));
    }
}

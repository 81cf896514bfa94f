using System.Globalization;
using Jasper.Embeddings.Hub;

namespace Jasper.Cli;

/// <summary>
/// Progress text for downloads: bytes, percent, speed and time left. Speed counts only what arrived since the file's
/// first report in this run, so a resumed download is not credited with the bytes it already had.
/// </summary>
internal sealed class DownloadMeter(TimeProvider time)
{
    private string? _file;
    private long _startBytes;
    private DateTimeOffset _startTime;

    public string Describe(DownloadProgress progress)
    {
        var now = time.GetUtcNow();
        if (progress.File != _file)
        {
            (_file, _startBytes, _startTime) = (progress.File, progress.BytesDone, now);
        }

        var text = new System.Text.StringBuilder($"downloading {progress.File}: {ProgressLine.FormatBytes(progress.BytesDone)}");
        if (progress.BytesTotal is long total && total > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" of {ProgressLine.FormatBytes(total)} ({100.0 * progress.BytesDone / total:0} %)");
        }

        double seconds = (now - _startTime).TotalSeconds;
        long fetched = progress.BytesDone - _startBytes;
        if (seconds > 0 && fetched > 0)
        {
            double speed = fetched / seconds;
            text.Append(CultureInfo.InvariantCulture, $", {ProgressLine.FormatBytes(speed)}/s");
            if (progress.BytesTotal is long size && size > progress.BytesDone)
            {
                text.Append(CultureInfo.InvariantCulture, $", {Math.Ceiling((size - progress.BytesDone) / speed):0} s left");
            }
        }

        return text.ToString();
    }
}

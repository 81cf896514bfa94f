using System.Diagnostics;
using System.Globalization;

namespace Jasper.Cli.Benchmarking;

/// <summary>
/// This process's peak resident memory. On Linux the peak can be reset (<c>/proc/self/clear_refs</c>), so that one
/// process can report the peak of each phase of a benchmark in turn; elsewhere the peak covers the whole process.
/// </summary>
public static class ProcessMemory
{
    /// <summary>Whether <see cref="ResetPeak"/> works here.</summary>
    public static bool CanResetPeak => OperatingSystem.IsLinux() && File.Exists("/proc/self/clear_refs");

    /// <summary>Peak resident set size in bytes since the process started or the last <see cref="ResetPeak"/>.</summary>
    public static long PeakBytes
    {
        get
        {
            if (OperatingSystem.IsLinux() && ReadStatus("VmHWM:") is long peak)
            {
                return peak;
            }

            using var process = Process.GetCurrentProcess();
            return process.PeakWorkingSet64;
        }
    }

    /// <summary>Resets the peak to the current resident size; returns false where that is not possible.</summary>
    public static bool ResetPeak()
    {
        if (!CanResetPeak)
        {
            return false;
        }

        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5"); // 5: reset the peak RSS (Linux 4.0+)
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long? ReadStatus(string key)
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                string kilobytes = line[key.Length..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return null;
    }
}

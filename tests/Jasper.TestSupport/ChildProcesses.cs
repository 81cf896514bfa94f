using System.Globalization;

namespace Jasper.TestSupport;

/// <summary>The processes this one started that are still running, found by their arguments.</summary>
public static class ChildProcesses
{
    /// <summary>
    /// The ids of this process's children whose command line holds every one of <paramref name="arguments"/>. Linux
    /// only (<c>/proc</c> lists the processes); elsewhere none are seen.
    /// </summary>
    public static IReadOnlyList<int> Running(params string[] arguments)
    {
        if (!OperatingSystem.IsLinux())
        {
            return [];
        }

        var found = new List<int>();
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                string[] commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0');
                string status = File.ReadAllText(Path.Combine(directory, "status"));
                if (arguments.All(commandLine.Contains) && status.Contains($"PPid:\t{Environment.ProcessId}\n", StringComparison.Ordinal))
                {
                    found.Add(int.Parse(Path.GetFileName(directory), CultureInfo.InvariantCulture));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // It ended while being read, or is not ours to read.
            }
        }

        return found;
    }
}

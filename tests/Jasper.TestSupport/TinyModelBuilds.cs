namespace Jasper.TestSupport;

/// <summary>
/// The copies of <see cref="TinyModels"/> that builds of the code leave in the temp folder, 228 MB each: every commit makes a
/// new one. A test process holds a shared lock on its copy's <c>.in-use</c> file for as long
/// as it runs (the lock goes with the process), so whichever process builds a new copy removes every copy no process
/// holds.
/// </summary>
public static class TinyModelBuilds
{
    /// <summary>Marks the copy at <paramref name="root"/> as in use until the returned stream is closed or the process ends.</summary>
    public static FileStream Hold(string root) =>
        new(root + ".in-use", FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite); // FileShare other than None: a shared lock

    /// <summary>
    /// Removes the copies under <paramref name="parent"/> other than <paramref name="keep"/> that no process holds, and
    /// the leftovers of interrupted builds. Call it holding the build lock, so that no build is in progress.
    /// </summary>
    public static void RemoveUnused(string parent, string keep)
    {
        foreach (string directory in Directory.GetDirectories(parent, "tiny-*").Where(d => d != keep))
        {
            try
            {
                // An exclusive lock is refused while any process holds the copy. The lock file stays: removing it could
                // let a process that opened it a moment earlier hold a file no one else can find.
                using var unused = directory.Contains(".building-", StringComparison.Ordinal)
                    ? null
                    : new FileStream(directory + ".in-use", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // Held by a test process of another build (or checkout): the next build looks again.
            }
            catch (UnauthorizedAccessException)
            {
                // Another user's copy.
            }
        }
    }
}

using Jasper.TestSupport;

namespace Jasper.Embeddings.Tests.TestSupport;

/// <summary>
/// The tiny models' copies in the temp folder are removed once no test process uses them: they used to be kept for a
/// day, and a day of commits (each one a new copy) left 20 of them (4.5 GB) there.
/// </summary>
public sealed class TinyModelBuildsTests
{
    [Fact]
    public void A_new_build_removes_the_copies_no_process_holds_and_keeps_the_held_one()
    {
        using var parent = new TempDirectory();
        string current = Copy(parent, "tiny-current");
        string held = Copy(parent, "tiny-held");
        string unused = Copy(parent, "tiny-unused");
        string interrupted = Copy(parent, "tiny-current.building-4242");
        using (TinyModelBuilds.Hold(unused))
        {
            // held once and let go: a test run that ended
        }

        using (TinyModelBuilds.Hold(held)) // another test process, as far as the lock can tell: flock locks open files, not processes
        {
            TinyModelBuilds.RemoveUnused(parent.Path, keep: current);
        }

        Assert.True(Directory.Exists(current));
        Assert.True(File.Exists(Path.Combine(held, "model.onnx")));
        Assert.False(Directory.Exists(unused));
        Assert.False(Directory.Exists(interrupted));
    }

    [Fact]
    public void A_copy_left_by_a_build_before_copies_were_held_is_removed()
    {
        using var parent = new TempDirectory();
        string old = Copy(parent, "tiny-0123456789abcdef");

        TinyModelBuilds.RemoveUnused(parent.Path, keep: Path.Combine(parent.Path, "tiny-current"));

        Assert.False(Directory.Exists(old));
    }

    private static string Copy(TempDirectory parent, string name)
    {
        parent.WriteText("weights", name, "model.onnx");
        return parent.Combine(name);
    }
}

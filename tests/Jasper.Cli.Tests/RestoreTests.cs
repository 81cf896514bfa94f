using System.Text.Json;
using Jasper.TestSupport;

namespace Jasper.Cli.Tests;

/// <summary>What `dotnet run --project core/Jasper.Cli` prints before the command's own output.</summary>
public sealed class RestoreTests
{
    [Fact]
    public void Restoring_the_cli_warns_of_nothing_so_dotnet_run_leaves_standard_output_to_the_command()
    {
        // dotnet run prints restore warnings on standard output, ahead of `jasper embed --output -`'s vectors; the
        // restore of the CLI (obj/project.assets.json, written by this build) must have none to print.
        using var assets = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "core", "Jasper.Cli", "obj", "project.assets.json")));
        var logs = assets.RootElement.TryGetProperty("logs", out var found) ? found.EnumerateArray().Select(l => $"{l.GetProperty("code").GetString()}: {l.GetProperty("message").GetString()}").ToList() : [];
        Assert.Empty(logs);
    }
}

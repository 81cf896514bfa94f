using System.CommandLine;
using Jasper.Embeddings.Inference;

namespace Jasper.Cli;

/// <summary>The <c>--device</c> option of every command that runs the model: its names come from <see cref="ExecutionProvider"/>.</summary>
internal sealed class DeviceOption : Option<string>
{
    private static readonly string[] Names = Enum.GetValues<ExecutionProvider>().Select(p => p.ToName()).ToArray();

    public DeviceOption(ExecutionProvider defaultDevice = ExecutionProvider.Auto)
        : base("--device")
    {
        Description = $"Execution provider: {string.Join(", ", Names)} (default {defaultDevice.ToName()}; auto prefers DirectML on Windows, then CUDA, then the CPU).";
        DefaultValueFactory = _ => defaultDevice.ToName();
        this.AcceptOnlyFromAmong(Names);
    }

    /// <summary>The provider the command line chose.</summary>
    public ExecutionProvider Provider(ParseResult parse) => ExecutionProviders.Parse(parse.GetRequiredValue(this));
}

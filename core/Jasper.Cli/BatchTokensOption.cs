using System.CommandLine;
using Jasper.Embeddings.Inference;

namespace Jasper.Cli;

/// <summary>The <c>--batch-tokens</c> option of the commands that run the model for others to use (embed, serve).</summary>
internal sealed class BatchTokensOption : Option<int?>
{
    public BatchTokensOption()
        : base("--batch-tokens")
    {
        Description = $"Most padded tokens per inference (default: {JasperEncoderOptions.CpuBatchTokenBudget} on the CPU; on a CUDA GPU what its free memory allows, measured at load, at most {JasperEncoderOptions.GpuBatchTokenBudget}).";
    }
}

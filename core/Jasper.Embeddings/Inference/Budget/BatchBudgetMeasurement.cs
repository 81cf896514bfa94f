namespace Jasper.Embeddings.Inference.Budget;

/// <summary>
/// A batch budget chosen from a device's free memory: a probe inference of <see cref="ProbeTokens"/> tokens (rows as wide
/// as the longest text, uncompressed: the most memory a token can take) shows what a token takes, and the budget is as
/// many tokens as fit in a share of the memory that was free before it, at most a ceiling.
/// </summary>
/// <param name="Tokens">The budget: most padded tokens per inference.</param>
/// <param name="FreeBytes">Free device memory before the probe (the weights already loaded).</param>
/// <param name="ProbedTokens">Padded tokens the probe ran.</param>
/// <param name="ProbeBytes">Device memory the probe took.</param>
/// <param name="BytesPerToken">What a token took; null when the probe took nothing new, which measures nothing.</param>
internal readonly record struct BatchBudgetMeasurement(int Tokens, long FreeBytes, int ProbedTokens, long ProbeBytes, long? BytesPerToken)
{
    /// <summary>
    /// Tokens the probe runs: enough that the activations dwarf the fixed workspaces (cuBLAS, cuDNN) that a first
    /// inference also allocates, small enough for any GPU the model fits on (under 1 GiB for the full-size model).
    /// </summary>
    public const int ProbeTokens = 8192;

    /// <summary>The budget from free memory before and after a probe of <paramref name="probeTokens"/> tokens.</summary>
    public static BatchBudgetMeasurement FromProbe(long freeBefore, long freeAfter, int probeTokens, double memoryFraction, int ceiling)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(probeTokens, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ceiling, 1);
        long probeBytes = freeBefore - freeAfter;
        if (probeBytes <= 0)
        {
            return new BatchBudgetMeasurement(ceiling, freeBefore, probeTokens, 0, null);
        }

        double bytesPerToken = probeBytes / (double)probeTokens;
        double fits = memoryFraction * freeBefore / bytesPerToken;
        int tokens = (int)Math.Clamp(Math.Floor(fits), 1, ceiling);
        return new BatchBudgetMeasurement(tokens, freeBefore, probeTokens, probeBytes, (long)Math.Ceiling(bytesPerToken));
    }
}

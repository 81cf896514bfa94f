namespace Jasper.Core.Inference;

/// <summary>
/// Groups texts into inferences: longest first, each batch as many texts as fit under the padded-token budget,
/// so that rows of similar length share a batch and padding stays small.
/// </summary>
public static class BatchPlanner
{
    /// <summary>Returns batches of input indices; every index appears exactly once.</summary>
    public static IReadOnlyList<int[]> Plan(IReadOnlyList<int> lengths, int tokenBudget, int maxBatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokenBudget, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        int[] order = Enumerable.Range(0, lengths.Count).OrderByDescending(i => lengths[i]).ThenBy(i => i).ToArray();
        var batches = new List<int[]>();
        for (int start = 0; start < order.Length;)
        {
            // Sorted descending, so the first row is the longest and sets the padded width.
            int width = Math.Max(1, lengths[order[start]]);
            int count = Math.Clamp(tokenBudget / width, 1, maxBatchSize);
            count = Math.Min(count, order.Length - start);
            batches.Add(order[start..(start + count)]);
            start += count;
        }

        return batches;
    }
}

namespace Jasper.Embeddings.Inference;

/// <summary>
/// Groups texts into inferences: longest first, each batch's rows as wide as its longest text, shorter texts packed
/// one after another into a row while they fit (first fit), and as many rows as fit under the padded-token budget.
/// Packing is what keeps many short texts (search queries) from paying for padding: a row of width 12 holds a
/// 5-token and a 7-token query where padding would have spent two rows of 12. A graph whose attention kernel takes
/// one sequence per row (the fused graph) is planned without packing: one text per row, sorted so that the texts of
/// a batch are of similar length and pad little.
/// </summary>
internal static class BatchPlanner
{
    /// <summary>Returns batches of rows of input indices; every index appears exactly once.</summary>
    public static IReadOnlyList<PackedBatch> Plan(IReadOnlyList<int> lengths, int tokenBudget, int maxBatchSize, bool packing = true)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentOutOfRangeException.ThrowIfLessThan(tokenBudget, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        int[] order = Enumerable.Range(0, lengths.Count).OrderByDescending(i => lengths[i]).ThenBy(i => i).ToArray();
        var batches = new List<PackedBatch>();
        for (int next = 0; next < order.Length;)
        {
            // Sorted descending, so the first text is the longest and sets the row width.
            int width = Math.Max(1, lengths[order[next]]);
            var rows = new List<List<int>>();
            var used = new List<int>();
            int count = 0;
            for (; next < order.Length && count < maxBatchSize; next++, count++)
            {
                int length = Math.Max(1, lengths[order[next]]);
                int row = packing ? used.FindIndex(u => u + length <= width) : -1;
                if (row < 0)
                {
                    if (rows.Count > 0 && (rows.Count + 1) * (long)width > tokenBudget)
                    {
                        break; // the batch is full; the rest start the next one
                    }

                    rows.Add([]);
                    used.Add(0);
                    row = rows.Count - 1;
                }

                rows[row].Add(order[next]);
                used[row] += length;
            }

            batches.Add(new PackedBatch([.. rows.Select(r => r.ToArray())], width));
        }

        return batches;
    }
}

/// <summary>One inference: its rows, each a list of input indices laid end to end, and the row width in tokens.</summary>
/// <param name="Rows">Input indices per row, in the order they sit in the row.</param>
/// <param name="Width">Tokens a row may hold: the longest text of the batch.</param>
internal sealed record PackedBatch(IReadOnlyList<int[]> Rows, int Width)
{
    /// <summary>How many texts the batch holds.</summary>
    public int Count => Rows.Sum(r => r.Length);
}

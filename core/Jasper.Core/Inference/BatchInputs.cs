namespace Jasper.Core.Inference;

/// <summary>
/// The graph inputs for one batch, row-major: token ids right-padded to the longest row, and each row's pooling
/// windows right-padded with empty windows (start = end = 0), which the graph treats as absent positions.
/// </summary>
internal sealed record BatchInputs(long[] InputIds, long[] PoolStart, long[] PoolEnd, int Tokens, int Positions)
{
    public static BatchInputs Create(IReadOnlyList<PreparedText> rows, int padTokenId)
    {
        int tokens = rows.Max(r => r.Tokens.Ids.Length);
        int positions = rows.Max(r => r.Plan.CompressedLength);
        var ids = new long[rows.Count * tokens];
        var starts = new long[rows.Count * positions];
        var ends = new long[rows.Count * positions];
        Array.Fill(ids, padTokenId);
        for (int row = 0; row < rows.Count; row++)
        {
            int[] rowIds = rows[row].Tokens.Ids;
            for (int i = 0; i < rowIds.Length; i++)
            {
                ids[(row * tokens) + i] = rowIds[i];
            }

            var plan = rows[row].Plan;
            for (int p = 0; p < plan.CompressedLength; p++)
            {
                (starts[(row * positions) + p], ends[(row * positions) + p]) = plan.Window(p);
            }
        }

        return new BatchInputs(ids, starts, ends, tokens, positions);
    }
}

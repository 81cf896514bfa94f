namespace Jasper.Embeddings.Inference;

/// <summary>
/// The graph inputs for one batch, row-major. Each row holds its texts end to end: token ids right-padded to the
/// longest row, every text's pooling windows shifted by where its tokens start, the text slot and in-text index of
/// each position (slot -1 and empty windows for padding), and the number of positions of every slot.
/// </summary>
internal sealed record BatchInputs(long[] InputIds, long[] PoolStart, long[] PoolEnd, long[] PositionText, long[] PositionIndex, long[] TextPositions, int Tokens, int Positions, int Texts)
{
    public static BatchInputs Create(IReadOnlyList<IReadOnlyList<PreparedText>> rows, int padTokenId)
    {
        int tokens = rows.Max(r => r.Sum(t => t.Tokens.Ids.Length));
        int positions = rows.Max(r => r.Sum(t => t.Plan.CompressedLength));
        int texts = rows.Max(r => r.Count);
        var inputs = new BatchInputs(
            new long[rows.Count * tokens], new long[rows.Count * positions], new long[rows.Count * positions],
            new long[rows.Count * positions], new long[rows.Count * positions], new long[rows.Count * texts], tokens, positions, texts);
        Array.Fill(inputs.InputIds, padTokenId);
        Array.Fill(inputs.PositionText, -1);
        for (int row = 0; row < rows.Count; row++)
        {
            int token = 0;
            int position = 0;
            for (int slot = 0; slot < rows[row].Count; slot++)
            {
                var text = rows[row][slot];
                inputs.Place(text, row, slot, token, position);
                token += text.Tokens.Ids.Length;
                position += text.Plan.CompressedLength;
            }
        }

        return inputs;
    }

    // Writes one text starting at token and position offsets within its row; windows are token indices in the row.
    private void Place(PreparedText text, int row, int slot, int token, int position)
    {
        var ids = InputIds.AsSpan((row * Tokens) + token, text.Tokens.Ids.Length);
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = text.Tokens.Ids[i];
        }

        int at = (row * Positions) + position;
        for (int p = 0; p < text.Plan.CompressedLength; p++)
        {
            var (start, end) = text.Plan.Window(p);
            PoolStart[at + p] = start + token;
            PoolEnd[at + p] = end + token;
            PositionText[at + p] = slot;
            PositionIndex[at + p] = p;
        }

        TextPositions[(row * Texts) + slot] = text.Plan.CompressedLength;
    }
}

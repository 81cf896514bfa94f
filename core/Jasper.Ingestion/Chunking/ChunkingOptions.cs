namespace Jasper.Ingestion.Chunking;

/// <summary>Chunk sizes, in the model's own tokens.</summary>
public sealed class ChunkingOptions
{
    /// <summary>The length chunks are packed up to.</summary>
    public int TargetTokens { get; set; } = 512;

    /// <summary>How many tokens of the end of a chunk the next one repeats (whole sentences, up to this many).</summary>
    public int OverlapTokens { get; set; } = 64;

    /// <summary>No chunk is longer: the model was trained on texts up to 1,024 tokens.</summary>
    public int MaxTokens { get; set; } = 1024;

    /// <summary>Checks the sizes are coherent.</summary>
    public void Validate()
    {
        if (TargetTokens < 1 || MaxTokens < TargetTokens || OverlapTokens < 0 || OverlapTokens >= TargetTokens)
        {
            throw new ArgumentException($"Chunk sizes need 0 <= overlap ({OverlapTokens}) < target ({TargetTokens}) <= maximum ({MaxTokens}).");
        }
    }
}

namespace Jasper.Ingestion.Pipeline;

/// <summary>
/// How far a run of <see cref="IngestionPipeline.IngestAllAsync(IEnumerable{DocumentSource}, IProgress{IngestionProgress}?, CancellationToken)"/>
/// has come, reported after each inference: a long document is many inferences, minutes on the CPU, in which no
/// document ends.
/// </summary>
/// <param name="Chunks">Chunks embedded so far in the run (their records may not be written yet).</param>
/// <param name="Tokens">Their tokens, as <see cref="DocumentReport.Tokens"/> counts them.</param>
public readonly record struct IngestionProgress(long Chunks, long Tokens);

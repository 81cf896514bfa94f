using Jasper.Ingestion.Sinks;

namespace Jasper.Azure.Distribution;

/// <summary>
/// Where chunk sets wait in the work container: <c>{document_id}/{version}/{run}/part-000012.jsonl</c>, with the run's
/// work items in <c>items.jsonl</c> beside them. Each planning
/// run writes under its own id, so concurrent runs never mix their parts; every run of a version shares the version's
/// folder, so completing (or superseding) a version removes all of them at once.
/// </summary>
internal static class WorkBlobs
{
    /// <summary>The folder of every version of a document.</summary>
    public static string Document(string documentId) => $"{documentId}/";

    /// <summary>The folder of every run of a version.</summary>
    public static string Version(string documentId, string version) => $"{Document(documentId)}{version}/";

    /// <summary>The folder of one planning run.</summary>
    public static string Run(string documentId, string version, string run) => $"{Version(documentId, version)}{run}/";

    /// <summary>
    /// The run's manifest: its work items, one encoded item a line, written before the document is recorded as queued,
    /// so that the sweep can queue again what was lost.
    /// </summary>
    public static string Manifest(string documentId, string version, string run) => Run(documentId, version, run) + ManifestName;

    /// <summary>The manifest's file name.</summary>
    public const string ManifestName = "items.jsonl";

    /// <summary>The chunk set of one part of a run.</summary>
    public static string Part(string documentId, string version, string run, int firstChunk) => Run(documentId, version, run) + PartName.File(firstChunk);
}

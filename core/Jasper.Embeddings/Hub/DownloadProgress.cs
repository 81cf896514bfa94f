namespace Jasper.Embeddings.Hub;

/// <summary>Progress of one file's download.</summary>
/// <param name="File">Path of the file in the repository.</param>
/// <param name="BytesDone">Bytes on disk so far (a resumed download starts above zero).</param>
/// <param name="BytesTotal">Size of the file, when the hub states it.</param>
public readonly record struct DownloadProgress(string File, long BytesDone, long? BytesTotal);

namespace Jasper.Embeddings.Hub;

/// <summary>A file of a hub repository as its model info lists it.</summary>
/// <param name="Path">Path inside the repository.</param>
/// <param name="Size">Size in bytes, when listed.</param>
/// <param name="Sha256">SHA-256 of the content (listed for LFS files such as weights).</param>
internal sealed record HubFile(string Path, long? Size, string? Sha256);

using Azure.Storage.Blobs;

namespace Jasper.Azure.Storage;

/// <summary>Which blob a URL names, whatever the account's address style (Azure's host names, or Azurite's path).</summary>
internal static class BlobUrl
{
    /// <summary>The container and the blob name (unescaped) of a blob URL; null when the text names no blob.</summary>
    public static (string Container, string Name)? Parse(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return null;
        }

        var blob = new BlobUriBuilder(uri);
        return blob.BlobContainerName.Length > 0 && blob.BlobName.Length > 0 ? (blob.BlobContainerName, blob.BlobName) : null;
    }
}

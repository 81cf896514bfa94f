using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Jasper.Azure.Storage;

/// <summary>Blob container operations the sinks and workers share.</summary>
internal static class BlobContainerExtensions
{
    /// <summary>Deletes the blobs under <paramref name="prefix"/> that <paramref name="select"/> picks (all when null).</summary>
    public static async Task DeleteBlobsAsync(this BlobContainerClient container, string prefix, Func<string, bool>? select, CancellationToken cancellationToken)
    {
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
        {
            if (select?.Invoke(blob.Name) ?? true)
            {
                await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
    }
}

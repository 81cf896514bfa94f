using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace Jasper.Azure.Hosting;

/// <summary>
/// Clients for the storage account named by a connection setting, read the way the Functions host reads
/// <c>AzureWebJobsStorage</c>: a connection string (Azurite: <c>UseDevelopmentStorage=true</c>), or identity-based
/// <c>__blobServiceUri</c> / <c>__queueServiceUri</c> / <c>__tableServiceUri</c> with <c>__clientId</c> for a
/// user-assigned managed identity. Queue messages are base64, as the Functions runtime expects, except on
/// <see cref="EventQueues"/>.
/// </summary>
/// <param name="Blobs">The blob service.</param>
/// <param name="Queues">The queue service, for the messages the app writes and its triggers read (base64).</param>
/// <param name="Tables">The table service.</param>
/// <param name="EventQueues">
/// The queue service for messages another service writes (Event Grid), read as they are: their encoding is theirs.
/// </param>
internal sealed record StorageAccount(BlobServiceClient Blobs, QueueServiceClient Queues, TableServiceClient Tables, QueueServiceClient EventQueues)
{
    /// <summary>The clients for the setting <paramref name="name"/>.</summary>
    public static StorageAccount FromConfiguration(IConfiguration configuration, string name = "AzureWebJobsStorage")
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var eventQueueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        if (configuration[name] is { Length: > 0 } connectionString)
        {
            return new StorageAccount(
                new BlobServiceClient(connectionString), new QueueServiceClient(connectionString, queueOptions), new TableServiceClient(connectionString),
                new QueueServiceClient(connectionString, eventQueueOptions));
        }

        var section = configuration.GetSection(name);
        var credential = Credential(section["clientId"]);
        Uri Required(string key) => section[key] is { Length: > 0 } uri
            ? new Uri(uri)
            : throw new InvalidOperationException($"Configure {name} (a connection string) or {name}__{key} (identity-based).");
        return new StorageAccount(
            new BlobServiceClient(Required("blobServiceUri"), credential),
            new QueueServiceClient(Required("queueServiceUri"), credential, queueOptions),
            new TableServiceClient(Required("tableServiceUri"), credential),
            new QueueServiceClient(Required("queueServiceUri"), credential, eventQueueOptions));
    }

    /// <summary>The app's identity: a user-assigned managed identity when its client id is given, else the default chain.</summary>
    public static TokenCredential Credential(string? clientId) =>
        new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
}

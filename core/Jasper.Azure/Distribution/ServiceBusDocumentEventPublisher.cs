using Azure.Messaging.ServiceBus;

namespace Jasper.Azure.Distribution;

/// <summary>
/// Document events as messages on a Service Bus topic: JSON body, the event's name as subject
/// (<c>DocumentEmbedded</c>, <c>DocumentRemoved</c>), and a message id that names the event, so a topic with duplicate
/// detection drops a repeat: <c>{document_id}:{version}</c> for a completion, <c>{document_id}:removed:{removal_id}</c>
/// for a removal.
/// </summary>
public sealed class ServiceBusDocumentEventPublisher : IDocumentEventPublisher
{
    private readonly ServiceBusSender _sender;

    /// <summary>Creates the publisher over a sender for the topic.</summary>
    public ServiceBusDocumentEventPublisher(ServiceBusSender sender) => _sender = sender;

    /// <inheritdoc />
    public Task PublishAsync(DocumentEmbeddedEvent embedded, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embedded);
        return SendAsync(embedded.ToJson(), DocumentEmbeddedEvent.Name, $"{embedded.DocumentId}:{embedded.Version}", cancellationToken);
    }

    /// <inheritdoc />
    public Task PublishAsync(DocumentRemovedEvent removed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(removed);
        return SendAsync(removed.ToJson(), DocumentRemovedEvent.Name, $"{removed.DocumentId}:removed:{removed.RemovalId}", cancellationToken);
    }

    private Task SendAsync(byte[] json, string subject, string messageId, CancellationToken cancellationToken) =>
        _sender.SendMessageAsync(new ServiceBusMessage(json) { ContentType = "application/json", Subject = subject, MessageId = messageId }, cancellationToken);
}

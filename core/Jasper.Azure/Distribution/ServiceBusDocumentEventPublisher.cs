using Azure.Messaging.ServiceBus;

namespace Jasper.Azure.Distribution;

/// <summary>
/// Completions as messages on a Service Bus topic: JSON body, subject <c>DocumentEmbedded</c>, and a message id of
/// document and version, so a topic with duplicate detection drops a repeat.
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
        var message = new ServiceBusMessage(embedded.ToJson())
        {
            ContentType = "application/json",
            Subject = DocumentEmbeddedEvent.Name,
            MessageId = $"{embedded.DocumentId}:{embedded.Version}",
        };
        return _sender.SendMessageAsync(message, cancellationToken);
    }
}

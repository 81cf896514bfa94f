namespace Jasper.Azure.Distribution;

/// <summary>Announces completed and removed documents to whoever listens (a Service Bus topic), when configured.</summary>
public interface IDocumentEventPublisher
{
    /// <summary>Publishes one completion.</summary>
    Task PublishAsync(DocumentEmbeddedEvent embedded, CancellationToken cancellationToken = default);

    /// <summary>Publishes one removal.</summary>
    Task PublishAsync(DocumentRemovedEvent removed, CancellationToken cancellationToken = default);
}

/// <summary>The publisher when no topic is configured: events are only recorded in the status table until sent.</summary>
internal sealed class NoDocumentEventPublisher : IDocumentEventPublisher
{
    /// <inheritdoc />
    public Task PublishAsync(DocumentEmbeddedEvent embedded, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    public Task PublishAsync(DocumentRemovedEvent removed, CancellationToken cancellationToken = default) => Task.CompletedTask;
}

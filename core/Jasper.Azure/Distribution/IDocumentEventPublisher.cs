namespace Jasper.Azure.Distribution;

/// <summary>Announces completed documents to whoever listens (a Service Bus topic), when configured.</summary>
public interface IDocumentEventPublisher
{
    /// <summary>Publishes one completion.</summary>
    Task PublishAsync(DocumentEmbeddedEvent embedded, CancellationToken cancellationToken = default);
}

/// <summary>The publisher when no topic is configured: completions are only recorded in the status table.</summary>
internal sealed class NoDocumentEventPublisher : IDocumentEventPublisher
{
    /// <inheritdoc />
    public Task PublishAsync(DocumentEmbeddedEvent embedded, CancellationToken cancellationToken = default) => Task.CompletedTask;
}

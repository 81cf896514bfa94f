using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Jasper.Azure.Distribution;

/// <summary>
/// Sends the events waiting in the status table's outbox and removes each once sent. The worker that completes a
/// document, and the removal that removes one, send right after they record the event; a later delivery of any
/// message of the document, or the sweep, sends what a failure left, so <see cref="DocumentEmbeddedEvent"/> and
/// <see cref="DocumentRemovedEvent"/> go out at least once (a send that succeeded but was not removed goes out again,
/// with the same message id, which Service Bus drops).
/// </summary>
internal sealed partial class DocumentEventOutbox(DocumentStatusStore status, IDocumentEventPublisher events, ILogger? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>Sends the pending events of one document, or of every document when null; returns how many went out.</summary>
    public async Task<int> SendAsync(string? documentId, CancellationToken cancellationToken)
    {
        int sent = 0;
        foreach (var pending in await status.PendingEventsAsync(documentId, cancellationToken).ConfigureAwait(false))
        {
            if (pending.Removed is { } removed)
            {
                await events.PublishAsync(removed, cancellationToken).ConfigureAwait(false);
                LogSent(_logger, DocumentRemovedEvent.Name, pending.DocumentId, removed.Version);
            }
            else
            {
                await events.PublishAsync(pending.Embedded!, cancellationToken).ConfigureAwait(false);
                LogSent(_logger, DocumentEmbeddedEvent.Name, pending.DocumentId, pending.Embedded!.Version);
            }

            await status.RemoveSentEventAsync(pending, cancellationToken).ConfigureAwait(false);
            sent++;
        }

        return sent;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent {Event} for {DocumentId} version {Version}")]
    private static partial void LogSent(ILogger logger, string @event, string documentId, string? version);
}

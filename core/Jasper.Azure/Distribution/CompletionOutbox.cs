using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Jasper.Azure.Distribution;

/// <summary>
/// Sends the completion events waiting in the status table's outbox and removes each once sent. The completing
/// worker sends right after it records the completion; a later delivery of any message of the document, or the
/// sweep, sends what a failure left, so <see cref="DocumentEmbeddedEvent"/> goes out at least once (a send that
/// succeeded but was not removed goes out again, with the same message id, which Service Bus drops).
/// </summary>
internal sealed partial class CompletionOutbox(DocumentStatusStore status, IDocumentEventPublisher events, ILogger? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>Sends the pending events of one document, or of every document when null; returns how many went out.</summary>
    public async Task<int> SendAsync(string? documentId, CancellationToken cancellationToken)
    {
        int sent = 0;
        foreach (var pending in await status.PendingEventsAsync(documentId, cancellationToken).ConfigureAwait(false))
        {
            await events.PublishAsync(pending, cancellationToken).ConfigureAwait(false);
            await status.RemoveSentEventAsync(pending, cancellationToken).ConfigureAwait(false);
            LogSent(_logger, pending.DocumentId, pending.Version);
            sent++;
        }

        return sent;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent DocumentEmbedded for {DocumentId} version {Version}")]
    private static partial void LogSent(ILogger logger, string documentId, string version);
}

namespace Jasper.Azure.Distribution;

/// <summary>An event waiting in a document's outbox: a completion or a removal.</summary>
/// <param name="DocumentId">The document (the outbox's partition).</param>
/// <param name="Row">Its outbox row.</param>
/// <param name="Embedded">The completion, when it is one.</param>
/// <param name="Removed">The removal, when it is one.</param>
internal sealed record PendingEvent(string DocumentId, string Row, DocumentEmbeddedEvent? Embedded = null, DocumentRemovedEvent? Removed = null);

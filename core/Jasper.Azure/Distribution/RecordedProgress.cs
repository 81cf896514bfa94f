using Azure;

namespace Jasper.Azure.Distribution;

/// <summary>A document's status as read, with the ETag that a conditional write of its row names.</summary>
/// <param name="Progress">The status.</param>
/// <param name="ETag">The row's ETag when read.</param>
/// <param name="Written">When the row was last written (the service's timestamp).</param>
/// <param name="RemovalPending">The document is removed and its removal has not finished (see <see cref="DocumentRemoval"/>).</param>
internal sealed record RecordedProgress(DocumentProgress Progress, ETag ETag, DateTimeOffset? Written = null, bool RemovalPending = false);

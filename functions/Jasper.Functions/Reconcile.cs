using Jasper.Azure.Distribution;
using Microsoft.Azure.Functions.Worker;

namespace Jasper.Functions;

/// <summary>
/// Once a day, removes the documents whose blobs are gone without a deletion event having said so
/// (see <see cref="DocumentRemoval.ReconcileAsync"/>).
/// </summary>
public sealed class Reconcile(DocumentRemoval removal)
{
    [Function(nameof(Reconcile))]
    public Task Run([TimerTrigger("0 30 3 * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        removal.ReconcileAsync(cancellationToken);
}

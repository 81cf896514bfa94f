using Jasper.Azure.Distribution;
using Microsoft.Azure.Functions.Worker;

namespace Jasper.Functions;

/// <summary>Every five minutes, removes deleted documents and finishes what failures left behind (see <see cref="DocumentSweep"/>).</summary>
public sealed class Sweep(DocumentSweep sweep)
{
    [Function(nameof(Sweep))]
    public Task Run([TimerTrigger("0 */5 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        sweep.SweepAsync(cancellationToken);
}

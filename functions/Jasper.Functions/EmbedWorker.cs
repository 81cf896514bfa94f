using Jasper.Azure.Distribution;
using Microsoft.Azure.Functions.Worker;

namespace Jasper.Functions;

/// <summary>One queue trigger per priority; each embeds the part a work item names.</summary>
public sealed class EmbedWorker(EmbedWork work)
{
    [Function("EmbedHigh")]
    public Task High([QueueTrigger(WorkQueues.High, Connection = "AzureWebJobsStorage")] string message, FunctionContext context) =>
        work.ProcessAsync(message, DequeueCount(context), WorkQueues.High, context.CancellationToken);

    [Function("EmbedNormal")]
    public Task Normal([QueueTrigger(WorkQueues.Normal, Connection = "AzureWebJobsStorage")] string message, FunctionContext context) =>
        work.ProcessAsync(message, DequeueCount(context), WorkQueues.Normal, context.CancellationToken);

    [Function("EmbedLow")]
    public Task Low([QueueTrigger(WorkQueues.Low, Connection = "AzureWebJobsStorage")] string message, FunctionContext context) =>
        work.ProcessAsync(message, DequeueCount(context), WorkQueues.Low, context.CancellationToken);

    // The runtime passes the delivery count as trigger metadata.
    internal static long DequeueCount(FunctionContext context) =>
        context.BindingContext.BindingData.TryGetValue("DequeueCount", out object? value) && long.TryParse(value?.ToString(), out long count) ? count : 1;
}

namespace Jasper.Serving.Batching;

/// <summary>
/// The batcher already holds as many requests or tokens as <see cref="DynamicBatchingOptions"/> allow: the request is
/// refused at once (HTTP 429 <c>server_busy</c>) instead of queueing without bound.
/// </summary>
internal sealed class ServerBusyException(string message) : Exception(message);

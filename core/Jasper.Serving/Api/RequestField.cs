namespace Jasper.Serving.Api;

/// <summary>One field of an embedding request body.</summary>
/// <param name="Name">The JSON name.</param>
/// <param name="Type">Its JSON type.</param>
/// <param name="Description">What it does, for API documents.</param>
/// <param name="Values">The values a string field accepts, when they are a fixed set.</param>
/// <param name="Required">Whether every request must send it.</param>
public sealed record RequestField(string Name, RequestFieldType Type, string Description, IReadOnlyList<string>? Values = null, bool Required = false);

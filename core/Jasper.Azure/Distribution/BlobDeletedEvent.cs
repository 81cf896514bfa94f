using System.Text;
using System.Text.Json;
using Jasper.Azure.Storage;

namespace Jasper.Azure.Distribution;

/// <summary>
/// A <c>Microsoft.Storage.BlobDeleted</c> event as Event Grid writes it to a storage queue: one event (or an array of
/// them) in the Event Grid schema (<c>eventType</c>) or the CloudEvents schema (<c>type</c>), as JSON text or as base64
/// of it (the documentation and what Event Grid does have disagreed on which, so both are read). The blob is named by
/// <c>data.url</c>, percent-encoded, when it has one; else by the subject,
/// <c>/blobServices/default/containers/{container}/blobs/{name}</c>, which holds the name as it is (and has been seen
/// to mangle characters outside the basic plane, which the URL's encoding keeps).
/// </summary>
/// <param name="Container">The blob's container.</param>
/// <param name="Name">The blob's name in its container.</param>
/// <param name="EventId">The event's id, when it has one: the same on every delivery of one deletion.</param>
internal sealed record BlobDeletedEvent(string Container, string Name, string? EventId)
{
    /// <summary>The event type this is.</summary>
    public const string EventType = "Microsoft.Storage.BlobDeleted";

    private const string SubjectPrefix = "/blobServices/default/containers/";
    private const string BlobsSegment = "/blobs/";

    /// <summary>
    /// The blob deletions a queue message announces; events of other types are left out (an empty list when it holds
    /// only those).
    /// </summary>
    /// <exception cref="FormatException">The message is not an Event Grid event, or a deletion's subject names no blob.</exception>
    public static List<BlobDeletedEvent> Parse(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        string text = message.Trim();
        if (!text.StartsWith('{') && !text.StartsWith('['))
        {
            text = FromBase64(text);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"not an Event Grid event: {ex.Message}", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            var events = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToList() : [root];
            var deletions = new List<BlobDeletedEvent>();
            foreach (var element in events)
            {
                if (element.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException($"not an Event Grid event: a JSON {element.ValueKind} where an event object belongs");
                }

                string? type = Text(element, "eventType") ?? Text(element, "type");
                if (type is null)
                {
                    throw new FormatException("not an Event Grid event: it has neither eventType nor type");
                }

                if (type == EventType)
                {
                    var (container, name) = FromUrl(element) ?? FromSubject(Text(element, "subject"));
                    deletions.Add(new BlobDeletedEvent(container, name, Text(element, "id")));
                }
            }

            return deletions;
        }
    }

    private static (string Container, string Name)? FromUrl(JsonElement element) =>
        element.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object ? BlobUrl.Parse(Text(data, "url")) : null;

    private static (string Container, string Name) FromSubject(string? subject)
    {
        int blobs = subject is not null && subject.StartsWith(SubjectPrefix, StringComparison.Ordinal) ? subject.IndexOf(BlobsSegment, SubjectPrefix.Length, StringComparison.Ordinal) : -1;
        if (blobs <= SubjectPrefix.Length || blobs + BlobsSegment.Length == subject!.Length)
        {
            throw new FormatException($"the subject '{subject}' of a {EventType} event does not name a blob ({SubjectPrefix}{{container}}{BlobsSegment}{{name}})");
        }

        return (subject[SubjectPrefix.Length..blobs], subject[(blobs + BlobsSegment.Length)..]);
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string FromBase64(string text)
    {
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(text));
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            throw new FormatException("not an Event Grid event: neither JSON nor base64 of JSON", ex);
        }
    }
}

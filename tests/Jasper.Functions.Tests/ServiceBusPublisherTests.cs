using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Jasper.Azure.Distribution;

namespace Jasper.Functions.Tests;

/// <summary>
/// The completion event through Azure.Messaging.ServiceBus. A Service Bus broker cannot run here and the SDK speaks
/// AMQP, so the message is captured with the SDK's own mockable <see cref="ServiceBusSender"/> instead of a server.
/// </summary>
public sealed class ServiceBusPublisherTests
{
    [Fact]
    public async Task DocumentEmbedded_is_sent_with_the_SDKs_mockable_sender_as_json_with_subject_and_dedup_id()
    {
        var sender = new CapturingSender();
        var embedded = new DocumentEmbeddedEvent
        {
            DocumentId = "abc",
            Version = "v1",
            Source = "https://account.blob.core.windows.net/documents/a.txt",
            Chunks = 3,
            Tokens = 900,
            CompressedTokens = 400,
            CompletedAt = DateTimeOffset.Parse("2026-11-26T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
        };

        await new ServiceBusDocumentEventPublisher(sender).PublishAsync(embedded);

        var message = Assert.Single(sender.Sent);
        Assert.Equal("DocumentEmbedded", message.Subject);
        Assert.Equal("abc:v1", message.MessageId);
        Assert.Equal("application/json", message.ContentType);
        using var body = JsonDocument.Parse(message.Body.ToString());
        Assert.Equal(900, body.RootElement.GetProperty("tokens").GetInt64());
        Assert.Equal("abc", body.RootElement.GetProperty("document_id").GetString());
    }

    [Fact]
    public async Task DocumentRemoved_is_sent_with_the_SDKs_mockable_sender_with_its_own_subject_and_a_dedup_id_per_removal()
    {
        var sender = new CapturingSender();
        var removed = new DocumentRemovedEvent
        {
            DocumentId = "abc",
            Version = "v1",
            Source = "https://account.blob.core.windows.net/documents/a.txt",
            RemovalId = "831e1650-001e-001b-66ab-eeb76e069631",
            RemovedAt = DateTimeOffset.Parse("2026-11-29T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
        };

        await new ServiceBusDocumentEventPublisher(sender).PublishAsync(removed);

        var message = Assert.Single(sender.Sent);
        Assert.Equal("DocumentRemoved", message.Subject);
        Assert.Equal("abc:removed:831e1650-001e-001b-66ab-eeb76e069631", message.MessageId);
        Assert.Equal("application/json", message.ContentType);
        using var body = JsonDocument.Parse(message.Body.ToString());
        Assert.Equal("v1", body.RootElement.GetProperty("version").GetString());
        Assert.Equal("abc", body.RootElement.GetProperty("document_id").GetString());
        Assert.Equal(removed, DocumentRemovedEvent.FromJson(message.Body.ToArray()));
    }

    private sealed class CapturingSender : ServiceBusSender
    {
        public List<ServiceBusMessage> Sent { get; } = [];

        public override Task SendMessageAsync(ServiceBusMessage message, CancellationToken cancellationToken = default)
        {
            Sent.Add(message);
            return Task.CompletedTask;
        }
    }
}

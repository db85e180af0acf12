using System.Text.Json;
using Aos.Messaging;
using Aos.Nats.Messaging;

namespace Aos.Nats.Tests.Messaging;

/// <summary>Messages for the tests that drive NATS transports directly, and receiving a given number of them.</summary>
internal static class NatsTestMessages
{
    /// <summary>Creates a message for a recipient, with its id as the payload.</summary>
    public static TransportMessage Message(TimeProvider time, string id, string recipient) =>
        TransportMessage.For(
            new Envelope
            {
                Id = id,
                Type = "test.event",
                Source = "s",
                Target = AgentId.Parse(recipient),
                Timestamp = time.GetUtcNow(),
                Payload = JsonSerializer.SerializeToElement(new { id }),
            },
            AgentId.Parse(recipient));

    /// <summary>Receives exactly <paramref name="count"/> messages, in as many calls as it takes, within 10 seconds.</summary>
    public static async Task<List<TransportMessage>> ReceiveAsync(NatsMessageTransport transport, int count, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(10));
        var received = new List<TransportMessage>();
        while (received.Count < count)
        {
            received.AddRange(await transport.ReceiveAsync(count - received.Count, limit.Token));
        }

        return received;
    }
}

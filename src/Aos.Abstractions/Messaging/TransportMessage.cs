namespace Aos.Messaging;

/// <summary>Represents one message on its way to one recipient, as a transport stores and hands it out.</summary>
/// <param name="Envelope">The message.</param>
/// <param name="Recipient">The agent it is delivered to; a published message has one per subscriber.</param>
/// <param name="OrderKey">The FIFO lane: the conversation id, or <c>source→recipient</c> when there is none.</param>
/// <param name="Attempts">How many delivery attempts have been made before this one.</param>
/// <param name="Sequence">The transport's position for the message, unique per transport; set by the transport.</param>
public sealed record TransportMessage(Envelope Envelope, AgentId Recipient, string OrderKey, int Attempts = 0, long Sequence = 0)
{
    /// <summary>Gets the FIFO lane of a message for a recipient: its conversation id, or its sender→recipient pair.</summary>
    /// <param name="envelope">The message.</param>
    /// <param name="recipient">The recipient.</param>
    /// <returns>The lane.</returns>
    public static string OrderKeyOf(Envelope envelope, AgentId recipient)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return envelope.ConversationId is { Length: > 0 } conversation
            ? "c:" + conversation + "→" + recipient.Value
            : "p:" + (envelope.Source ?? string.Empty) + "→" + recipient.Value;
    }

    /// <summary>Creates the message for a recipient, in its FIFO lane.</summary>
    /// <param name="envelope">The message.</param>
    /// <param name="recipient">The recipient.</param>
    /// <returns>The transport message.</returns>
    public static TransportMessage For(Envelope envelope, AgentId recipient) => new(envelope, recipient, OrderKeyOf(envelope, recipient));
}

using Aos.Storage;

namespace Aos.Messaging;

/// <summary>
/// A transport that keeps its messages in the database that holds the agents' state, so that the turn that processes a message marks it
/// delivered in the turn's own transaction.
/// </summary>
/// <remarks>
/// "Processed" and "delivered" then become one durable fact: there is no window in which a processed message is still pending, so the
/// message's own row is its de-duplication record and the turn needs no separate processed mark, and the message costs one commit less.
/// The dispatcher hands such a message to its agent with a <see cref="DeliveryReceipt"/>; the agent passes the receipt to
/// <see cref="IAgentTurnStore.CommitTurnAsync{T}"/> in <see cref="AgentTurnWrites.Deliveries"/>, and after the commit the dispatcher calls
/// <see cref="Settled"/> instead of <see cref="IMessageTransport.CompleteAsync"/>.
/// </remarks>
public interface ITurnSettledTransport
{
    /// <summary>Gets whether turns committed through <paramref name="store"/> can mark this transport's messages delivered.</summary>
    /// <param name="store">The agents' turn store.</param>
    /// <returns><see langword="true"/> when the store writes to the same database as the transport.</returns>
    bool SettlesWith(IAgentTurnStore store);

    /// <summary>Creates the receipt for one delivery of a message, handed to its recipient with the message.</summary>
    /// <param name="message">The message as it was handed out.</param>
    /// <returns>The receipt.</returns>
    DeliveryReceipt ReceiptFor(TransportMessage message);

    /// <summary>Forgets a message whose delivered mark its recipient's committed turn wrote, and hands out its lane's next message.</summary>
    /// <param name="message">The message as it was handed out.</param>
    void Settled(TransportMessage message);
}

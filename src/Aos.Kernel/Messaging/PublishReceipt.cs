namespace Aos.Kernel.Messaging;

/// <summary>Tells the sender what the bus accepted: the message is durable for each recipient listed.</summary>
/// <param name="MessageId">The message id.</param>
/// <param name="Recipients">The agents the message is durable for now.</param>
/// <param name="Duplicates">The agents that already had a message with this id; nothing changed for them.</param>
public sealed record PublishReceipt(string MessageId, IReadOnlyList<AgentId> Recipients, IReadOnlyList<AgentId> Duplicates)
{
    /// <summary>
    /// Gets the agents for which another tenant's message holds this id, so nothing was stored for them. A sender that can be told is
    /// refused instead (<see cref="Aos.Messaging.MessageIdTakenException"/>); only the relay of messages from committed turns sees this.
    /// </summary>
    public IReadOnlyList<AgentId> Taken { get; init; } = [];
}

namespace Aos.Kernel.Messaging;

/// <summary>Tells the sender what the bus accepted: the message is durable for each recipient listed.</summary>
/// <param name="MessageId">The message id.</param>
/// <param name="Recipients">The agents the message is durable for now.</param>
/// <param name="Duplicates">The agents that already had a message with this id; nothing changed for them.</param>
public sealed record PublishReceipt(string MessageId, IReadOnlyList<AgentId> Recipients, IReadOnlyList<AgentId> Duplicates);

namespace Aos.Storage;

/// <summary>Holds what one agent turn (or batch of turns) writes beside the agent's state, to commit with it.</summary>
/// <param name="CommittedAt">When the turn commits; the time recorded for its processed messages.</param>
public sealed record AgentTurnWrites(DateTimeOffset CommittedAt)
{
    /// <summary>Gets the journal appends: history, memory, decisions.</summary>
    public IReadOnlyList<JournalAppend> Appends { get; init; } = [];

    /// <summary>Gets the ids of the messages the turn processed, recorded for de-duplication (<see cref="IProcessedMessageLog"/>).</summary>
    public IReadOnlyList<string> ProcessedMessageIds { get; init; } = [];

    /// <summary>
    /// Gets the bus messages the turn processed whose transport settles in the turn (<see cref="Messaging.ITurnSettledTransport"/>): the
    /// store marks each delivered in the same transaction.
    /// </summary>
    public IReadOnlyList<Messaging.DeliveryReceipt> Deliveries { get; init; } = [];

    /// <summary>Gets the messages the turn sent, as JSON envelopes, for the <see cref="IAgentOutbox"/>.</summary>
    public IReadOnlyList<string> Outbox { get; init; } = [];
}

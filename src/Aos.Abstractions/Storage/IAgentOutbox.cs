namespace Aos.Storage;

/// <summary>
/// Holds the messages agents sent during their turns until the message bus has routed them: the transactional outbox.
/// </summary>
/// <remarks>
/// When the agents' grain storage implements <see cref="IAgentTurnStore"/>, a turn's outgoing messages are written in the turn's
/// own transaction, so they exist exactly when the state change that sent them does; the bus then routes and removes them.
/// Entries come back oldest first, so each sender's messages keep their order.
/// </remarks>
public interface IAgentOutbox
{
    /// <summary>Adds an agent's outgoing messages, serialized as JSON envelopes.</summary>
    /// <param name="agentId">The sending agent.</param>
    /// <param name="envelopes">The messages.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the entries are durable.</returns>
    ValueTask AddAsync(AgentId agentId, IReadOnlyList<string> envelopes, CancellationToken cancellationToken = default);

    /// <summary>Reads the oldest entries of every agent.</summary>
    /// <param name="limit">The most entries to return.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The entries, oldest first.</returns>
    ValueTask<IReadOnlyList<OutboxEntry>> ReadAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>Removes routed entries.</summary>
    /// <param name="sequences">The entries' sequences.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the removal is durable.</returns>
    ValueTask RemoveAsync(IReadOnlyList<long> sequences, CancellationToken cancellationToken = default);
}

namespace Aos.Storage;

/// <summary>Remembers which messages each agent has processed, so that a redelivered or resent message is processed once.</summary>
/// <remarks>
/// Entries are kept for the de-duplication window and then pruned. When the agents' grain storage implements
/// <see cref="IAgentTurnStore"/>, the kernel records a processed message in the turn's own transaction, so "processed" is
/// durable exactly when the state change it caused is.
/// </remarks>
public interface IProcessedMessageLog
{
    /// <summary>Tells whether an agent has processed a message.</summary>
    /// <param name="agentId">The agent.</param>
    /// <param name="messageId">The message id.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns><see langword="true"/> when the message was processed within the window.</returns>
    ValueTask<bool> ContainsAsync(AgentId agentId, string messageId, CancellationToken cancellationToken = default);

    /// <summary>Records that an agent processed a message.</summary>
    /// <param name="agentId">The agent.</param>
    /// <param name="messageId">The message id.</param>
    /// <param name="at">When.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the record is durable.</returns>
    ValueTask AddAsync(AgentId agentId, string messageId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Forgets messages processed before a time.</summary>
    /// <param name="before">The oldest time to keep.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>How many records were removed.</returns>
    ValueTask<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default);
}

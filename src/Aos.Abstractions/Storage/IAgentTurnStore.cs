namespace Aos.Storage;

/// <summary>
/// Commits an agent's grain state and its journal appends in one transaction, for grain storage that shares a database
/// with the <see cref="IAgentJournal"/>.
/// </summary>
/// <remarks>
/// The kernel uses it when the agents' grain storage implements it: a turn's history entry, memory items and decisions
/// are then durable exactly when its state is. Otherwise it writes the state and the journal side by side.
/// </remarks>
public interface IAgentTurnStore
{
    /// <summary>
    /// Writes a grain's state, appends to its agent's journal, records the processed messages, marks the settled deliveries delivered and
    /// adds the outgoing messages, all or nothing.
    /// </summary>
    /// <typeparam name="T">The state type.</typeparam>
    /// <param name="stateName">The state's name.</param>
    /// <param name="grainId">The grain.</param>
    /// <param name="grainState">The state, with the ETag it was read with; its ETag is updated.</param>
    /// <param name="agentId">The agent whose journal, processed-message log and outbox receive the writes.</param>
    /// <param name="writes">The journal appends, processed message ids, deliveries and outgoing messages of the turn.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the commit is durable.</returns>
    /// <exception cref="Orleans.Storage.InconsistentStateException">The stored ETag is not the given one; nothing was written.</exception>
    Task CommitTurnAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, AgentId agentId, AgentTurnWrites writes, CancellationToken cancellationToken = default);
}

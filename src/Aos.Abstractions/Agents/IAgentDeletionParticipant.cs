namespace Aos.Agents;

/// <summary>Removes, or makes harmless, what a service keeps for an agent when the agent is deleted.</summary>
/// <remarks>
/// The registry calls every registered participant before it deletes the agent's state and descriptor, so a participant that fails stops
/// the deletion with the agent still registered, and deleting it again repeats every participant's work: implementations are idempotent.
/// An agent id may be registered again after a deletion; nothing a participant leaves behind may then speak for the new agent.
/// Implementations are thread-safe.
/// </remarks>
public interface IAgentDeletionParticipant
{
    /// <summary>Removes what the service keeps for an agent that is being deleted.</summary>
    /// <param name="agent">The agent: its id and tenant.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the service keeps nothing that speaks for the agent.</returns>
    ValueTask OnAgentDeletingAsync(AgentDescriptor agent, CancellationToken cancellationToken = default);
}

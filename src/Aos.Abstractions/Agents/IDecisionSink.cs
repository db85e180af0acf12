namespace Aos.Agents;

/// <summary>Receives the decisions agents record (<see cref="IAgentContext.RecordDecision"/>), for a decision log outside the agent's journal.</summary>
/// <remarks>
/// The kernel calls every registered sink after the turn that recorded the decisions is durable, with the decisions in the order they were
/// recorded. A sink that fails is logged and does not fail the turn: the agent's journal keeps the decisions either way, so delivery to a
/// sink is at most once. Implementations are thread-safe.
/// </remarks>
public interface IDecisionSink
{
    /// <summary>Records decisions an agent made in one committed turn.</summary>
    /// <param name="agent">The agent that decided: its id and tenant.</param>
    /// <param name="decisions">The decisions, in the order they were recorded.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the decisions are recorded.</returns>
    ValueTask RecordAsync(AgentDescriptor agent, IReadOnlyList<DecisionRecord> decisions, CancellationToken cancellationToken = default);
}

using System.Text.Json;
using Aos.Agents;

namespace Aos.Governance.Decisions;

/// <summary>Records the decisions agents make (<c>PurposeDrivenAgent.RecordDecision</c>, <c>aos.decision.record</c>) in the <see cref="DecisionLog"/>.</summary>
/// <remarks>
/// Each agent decision becomes a decision of the agent's tenant, decided by the agent's id at the time the agent recorded it: the
/// decision is the choice, the alternatives with it are the options considered, and the goal it serves (when given) is its context.
/// </remarks>
internal sealed class AgentDecisionSink(DecisionLog log) : IDecisionSink
{
    public async ValueTask RecordAsync(AgentDescriptor agent, IReadOnlyList<DecisionRecord> decisions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(decisions);
        foreach (var decision in decisions)
        {
            await log.RecordAsync(agent.Tenant, ToRequest(agent, decision), cancellationToken).ConfigureAwait(false);
        }
    }

    internal static DecisionRequest ToRequest(AgentDescriptor agent, DecisionRecord decision)
    {
        var choice = decision.Decision.Trim();
        var options = decision.Alternatives.Count == 0
            ? []
            : decision.Alternatives.Select(a => a.Trim()).Prepend(choice).Where(a => a.Length > 0).Distinct(StringComparer.Ordinal).Select(a => new DecisionOption(a)).ToList();
        return new DecisionRequest
        {
            DecidedBy = agent.Id.Value,
            Time = decision.Timestamp == default ? null : decision.Timestamp,
            Context = decision.GoalId is { } goalId ? JsonSerializer.SerializeToElement(new AgentDecisionContext(agent.Type, goalId), DecisionJsonContext.Default.AgentDecisionContext) : null,
            Options = options,
            Choice = choice,
            Rationale = decision.Rationale,
        };
    }
}

/// <summary>Describes the situation of an agent's decision: the agent's type and the goal the decision serves.</summary>
internal sealed record AgentDecisionContext(string AgentType, string GoalId);

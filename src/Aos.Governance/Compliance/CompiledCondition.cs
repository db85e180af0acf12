using System.Text.Json;
using Aos.Governance.Audit;
using Aos.Governance.Policies;

namespace Aos.Governance.Compliance;

/// <summary>Evaluates one condition of a control, compiled at load.</summary>
internal sealed class CompiledCondition(string id, GlobSet? actions, CompiledFieldCondition[] when, CompiledFieldCondition? field, string? check)
{
    public string Id { get; } = id;

    public string? Check { get; } = check;

    /// <summary>Returns <see langword="null"/> when the condition holds (or does not apply), or why it failed.</summary>
    public string? Evaluate(AuditEntry entry, JsonElement fields, ComplianceEvidence evidence)
    {
        if (actions is not null && !actions.Matches(entry.Action))
        {
            return null;
        }

        foreach (var gate in when)
        {
            if (!gate.Holds(fields))
            {
                return null;
            }
        }

        if (field is not null)
        {
            return field.Holds(fields) ? null : field.DescribeFailure(fields);
        }

        return Check == ComplianceChecks.AuditChain ? evidence.ChainFailure(entry) : evidence.DecisionFailure(entry);
    }
}

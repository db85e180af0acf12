using System.Text.Json;
using Aos.Governance.Audit;
using Aos.Governance.Policies;

namespace Aos.Governance.Compliance;

/// <summary>Evaluates a control compiled at load: its action globs and its conditions.</summary>
internal sealed class CompiledControl(ComplianceControl control, GlobSet actions, CompiledCondition[] preconditions, CompiledCondition[] postconditions)
{
    public ComplianceControl Control { get; } = control;

    public bool Uses(string check) => preconditions.Concat(postconditions).Any(c => c.Check == check);

    public bool Covers(string action) => actions.Matches(action);

    /// <summary>Returns the id of the first failed condition and why, or <see langword="null"/> when every condition holds.</summary>
    public (string Condition, string Reason)? Evaluate(AuditEntry entry, JsonElement fields, ComplianceEvidence evidence)
    {
        foreach (var (phase, conditions) in new[] { ("pre-condition", preconditions), ("post-condition", postconditions) })
        {
            foreach (var condition in conditions)
            {
                if (condition.Evaluate(entry, fields, evidence) is { } why)
                {
                    return (condition.Id, $"{phase} '{condition.Id}' failed: {why}");
                }
            }
        }

        return null;
    }
}

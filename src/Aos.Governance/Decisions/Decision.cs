using System.Text.Json;

namespace Aos.Governance.Decisions;

/// <summary>Represents a recorded decision: what was chosen among which options, why, on what evidence, by whom, approved and audited where.</summary>
/// <remarks>A decision is not changed once recorded, except to link the approvals and audit entries that concern it.</remarks>
public sealed record Decision
{
    /// <summary>Gets the decision's id, unique within its tenant; ids order decisions by time, to the millisecond.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the tenant the decision belongs to.</summary>
    public required string Tenant { get; init; }

    /// <summary>Gets when the decision was made.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>Gets the principal that decided: an agent id or a person's principal id.</summary>
    public required string DecidedBy { get; init; }

    /// <summary>Gets the situation the decision was made in, as JSON, when recorded.</summary>
    public JsonElement? Context { get; init; }

    /// <summary>Gets the options that were considered.</summary>
    public IReadOnlyList<DecisionOption> Options { get; init; } = [];

    /// <summary>Gets what was chosen: the name of one of the <see cref="Options"/> when there are any.</summary>
    public required string Choice { get; init; }

    /// <summary>Gets why it was chosen.</summary>
    public required string Rationale { get; init; }

    /// <summary>Gets references to the evidence the decision rests on (URIs or ids).</summary>
    public IReadOnlyList<string> Evidence { get; init; } = [];

    /// <summary>Gets the ids of the approvals that concern the decision.</summary>
    public IReadOnlyList<string> Approvals { get; init; } = [];

    /// <summary>Gets references to the audit entries that record the decision and its effects (ids or sequence numbers).</summary>
    public IReadOnlyList<string> AuditEntries { get; init; } = [];
}

using System.Text.Json;

namespace Aos.Governance.Decisions;

/// <summary>Describes a decision to record.</summary>
public sealed record DecisionRequest
{
    /// <summary>Gets the principal that decided: an agent id or a person's principal id.</summary>
    public required string DecidedBy { get; init; }

    /// <summary>Gets when the decision was made; <see langword="null"/> for now.</summary>
    public DateTimeOffset? Time { get; init; }

    /// <summary>Gets the situation the decision was made in, as JSON, when there is one to record.</summary>
    public JsonElement? Context { get; init; }

    /// <summary>Gets the options that were considered; when there are any, <see cref="Choice"/> must name one.</summary>
    public IReadOnlyList<DecisionOption> Options { get; init; } = [];

    /// <summary>Gets what was chosen.</summary>
    public required string Choice { get; init; }

    /// <summary>Gets why it was chosen: required.</summary>
    public required string Rationale { get; init; }

    /// <summary>Gets references to the evidence the decision rests on (URIs or ids).</summary>
    public IReadOnlyList<string> Evidence { get; init; } = [];

    /// <summary>Gets the ids of the approvals that concern the decision.</summary>
    public IReadOnlyList<string> Approvals { get; init; } = [];

    /// <summary>Gets references to the audit entries that record the decision.</summary>
    public IReadOnlyList<string> AuditEntries { get; init; } = [];
}

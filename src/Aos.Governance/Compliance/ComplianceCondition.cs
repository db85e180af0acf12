using System.Text.Json.Nodes;

namespace Aos.Governance.Compliance;

/// <summary>Represents one condition of a control: a field condition over the audit entry, or one of the <see cref="ComplianceChecks"/>.</summary>
/// <remarks>
/// A field condition gives <see cref="Path"/> and <see cref="Operator"/> (and <see cref="Value"/> as the operator needs); a check gives
/// <see cref="Check"/> alone. <see cref="Actions"/> and <see cref="When"/> narrow the entries the condition applies to; on any other
/// entry it holds.
/// </remarks>
public sealed record ComplianceCondition
{
    /// <summary>Gets the condition's id, unique within its control, such as <c>approved</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Gets what the condition asks for, for a person.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the field of the audit entry: <c>tenant</c>, <c>actor</c>, <c>action</c>, <c>resource</c>, <c>outcome</c>, <c>level</c> or a path under <c>context</c> such as <c>context.approval.status</c>.</summary>
    public string? Path { get; init; }

    /// <summary>Gets the operator, as in the policy engine's payload conditions: <c>eq</c>, <c>ne</c>, <c>gt</c>, <c>gte</c>, <c>lt</c>, <c>lte</c>, <c>in</c>, <c>exists</c> or <c>matches</c>.</summary>
    public string? Operator { get; init; }

    /// <summary>Gets the value compared with, as the operator needs it.</summary>
    public JsonNode? Value { get; init; }

    /// <summary>Gets the check to run instead of a field condition: one of <see cref="ComplianceChecks"/>.</summary>
    public string? Check { get; init; }

    /// <summary>Gets the action globs the condition applies to; empty for every action the control covers.</summary>
    public IReadOnlyList<string> Actions { get; init; } = [];

    /// <summary>Gets field conditions that must all hold for the condition to apply, such as <c>outcome eq succeeded</c>; empty to always apply.</summary>
    public IReadOnlyList<ComplianceFieldCondition> When { get; init; } = [];
}

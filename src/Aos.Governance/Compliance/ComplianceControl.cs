namespace Aos.Governance.Compliance;

/// <summary>Represents one control of a framework, the actions it covers, and what must hold before and after each of them.</summary>
public sealed record ComplianceControl
{
    /// <summary>Gets the control's id within its framework, such as <c>CC6.1</c> or <c>A.5.15</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the control's title.</summary>
    public required string Title { get; init; }

    /// <summary>Gets what the control asks for, for a person.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the action globs the control covers: <c>*</c>, <c>prefix*</c> (such as <c>api-key.*</c>) or an exact action.</summary>
    public IReadOnlyList<string> Actions { get; init; } = [];

    /// <summary>Gets what must hold before or at the call: who acted, that the policy was evaluated, that an approval was obtained.</summary>
    public IReadOnlyList<ComplianceCondition> Preconditions { get; init; } = [];

    /// <summary>Gets what must hold after the call: how it ended, that the audit chain up to it verifies, that a decision records it.</summary>
    public IReadOnlyList<ComplianceCondition> Postconditions { get; init; } = [];
}

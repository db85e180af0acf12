namespace Aos.Governance.Policies;

/// <summary>Represents one rule of a policy: an effect applied to the system calls that meet its conditions.</summary>
public sealed record PolicyRule
{
    /// <summary>Gets the id of the rule, unique in its policy.</summary>
    public required string Id { get; init; }

    /// <summary>Gets what the rule is for, in words.</summary>
    public string? Description { get; init; }

    /// <summary>Gets what the rule does to a call it matches.</summary>
    public required PolicyEffect Effect { get; init; }

    /// <summary>Gets the conditions a call must meet; no conditions match every call.</summary>
    public PolicyConditions When { get; init; } = new();

    /// <summary>Gets the payload fields a <see cref="PolicyEffect.Redact"/> rule removes, such as <c>payload.card.number</c>.</summary>
    public IReadOnlyList<string> Fields { get; init; } = [];

    /// <summary>Gets who may decide a call held by a <see cref="PolicyEffect.RequireApproval"/> rule.</summary>
    public IReadOnlyList<string> Approvers { get; init; } = [];

    /// <summary>Gets how long a held call waits for a decision, or <see langword="null"/> to wait without limit.</summary>
    public TimeSpan? Timeout { get; init; }
}

namespace Aos.Governance.Policies;

/// <summary>Represents the conditions of a policy rule: all of those that are set must hold for the rule to match.</summary>
/// <remarks>
/// The actor, agent, action, resource and tenant conditions are lists of globs (<c>*</c>, <c>prefix*</c> or an exact value, compared
/// ordinally); the condition holds when one of them matches. A condition on an attribute the call does not carry does not hold.
/// </remarks>
public sealed record PolicyConditions
{
    /// <summary>Gets the globs the calling actor must match, or <see langword="null"/> for any actor.</summary>
    public IReadOnlyList<string>? Actor { get; init; }

    /// <summary>Gets the globs the calling agent must match, or <see langword="null"/> for any agent.</summary>
    public IReadOnlyList<string>? Agent { get; init; }

    /// <summary>Gets the globs the action must match, such as <c>agent.send</c> or <c>storage.*</c>, or <see langword="null"/> for any action.</summary>
    public IReadOnlyList<string>? Action { get; init; }

    /// <summary>Gets the globs the resource must match, or <see langword="null"/> for any resource.</summary>
    public IReadOnlyList<string>? Resource { get; init; }

    /// <summary>Gets the globs the tenant must match, or <see langword="null"/> for any tenant.</summary>
    public IReadOnlyList<string>? Tenant { get; init; }

    /// <summary>Gets the conditions on payload fields; all must hold.</summary>
    public IReadOnlyList<PayloadCondition> Payload { get; init; } = [];

    /// <summary>Gets the condition on the time of the call, or <see langword="null"/> for any time.</summary>
    public TimeCondition? Time { get; init; }

    /// <summary>Gets the minimum risk level of the call, or <see langword="null"/> for any risk.</summary>
    public PolicyRiskLevel? Risk { get; init; }
}

namespace Aos.Governance.Policies;

/// <summary>Represents the policy engine's decision on a system call, with its explanation.</summary>
public sealed record PolicyDecision
{
    /// <summary>Gets the effect to apply to the call.</summary>
    public required PolicyEffect Effect { get; init; }

    /// <summary>Gets the id of the rule that decided, or <see langword="null"/> when no rule matched and the default applied.</summary>
    public string? RuleId { get; init; }

    /// <summary>Gets the name of the policy of the rule that decided, or <see langword="null"/> when the default applied.</summary>
    public string? PolicyName { get; init; }

    /// <summary>Gets why, such as <c>denied by rule 'no-large-payments' of policy 'finance' because payload.amount 25000 &gt; 10000</c>.</summary>
    public required string Explanation { get; init; }

    /// <summary>Gets the payload fields to remove before the payload is stored or forwarded: those of every matching redact rule.</summary>
    public IReadOnlyList<string> Redactions { get; init; } = [];

    /// <summary>Gets the approval a <see cref="PolicyEffect.RequireApproval"/> decision asks for, otherwise <see langword="null"/>.</summary>
    public PolicyApprovalRequirement? Approval { get; init; }

    /// <summary>Gets every rule that matched, in policy and rule order.</summary>
    public IReadOnlyList<PolicyRuleMatch> Matches { get; init; } = [];

    /// <summary>Gets a value indicating whether no rule matched and the engine's default effect applied.</summary>
    public bool IsDefault => RuleId is null;

    internal IReadOnlyList<PayloadPath> RedactionPaths { get; init; } = [];
}

namespace Aos.Governance.Policies;

/// <summary>Represents a rule that matched a system call, and why.</summary>
/// <param name="PolicyName">The name of the rule's policy.</param>
/// <param name="RuleId">The id of the rule.</param>
/// <param name="Effect">The effect of the rule.</param>
/// <param name="Reason">Why the rule matched, such as <c>payload.amount 25000 &gt; 10000</c>.</param>
public sealed record PolicyRuleMatch(string PolicyName, string RuleId, PolicyEffect Effect, string Reason);

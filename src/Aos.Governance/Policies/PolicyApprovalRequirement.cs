namespace Aos.Governance.Policies;

/// <summary>Represents the approval a <see cref="PolicyEffect.RequireApproval"/> decision asks for.</summary>
/// <param name="Approvers">Who may decide the call.</param>
/// <param name="Timeout">How long the call waits for a decision, or <see langword="null"/> to wait without limit.</param>
public sealed record PolicyApprovalRequirement(IReadOnlyList<string> Approvers, TimeSpan? Timeout);

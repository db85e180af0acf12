namespace Aos.Governance.Compliance;

/// <summary>Represents the compliance of one audited action: every control mapped to its action, passed or failed.</summary>
/// <param name="Entry">The audit entry's sequence number.</param>
/// <param name="Action">The action.</param>
/// <param name="Outcome">How the action ended.</param>
/// <param name="Controls">The controls mapped to the action, in framework then control order; empty when none is.</param>
public sealed record ComplianceAssertion(long Entry, string Action, string Outcome, IReadOnlyList<ComplianceControlResult> Controls)
{
    /// <summary>Gets a value indicating whether every mapped control passed (also when none is mapped).</summary>
    public bool Passed => Controls.All(c => c.Passed);
}

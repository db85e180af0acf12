namespace Aos.Governance.Compliance;

/// <summary>Names the checks a condition can run instead of comparing a field.</summary>
public static class ComplianceChecks
{
    /// <summary>Gets the check that the audit chain verifies up to the entry: its hash recomputes, it links to the entry before, and the log's verification reached it.</summary>
    public const string AuditChain = "audit-chain";

    /// <summary>Gets the check that a decision record of the entry's tenant links the entry (by sequence number or hash).</summary>
    public const string DecisionRecord = "decision-record";

    /// <summary>Gets every check.</summary>
    public static IReadOnlyList<string> All { get; } = [AuditChain, DecisionRecord];
}

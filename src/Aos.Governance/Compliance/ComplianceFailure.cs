namespace Aos.Governance.Compliance;

/// <summary>Represents one audit entry that failed a control.</summary>
/// <param name="Entry">The entry's sequence number.</param>
/// <param name="Action">The entry's action.</param>
/// <param name="Reason">Why the control failed.</param>
public sealed record ComplianceFailure(long Entry, string Action, string Reason);

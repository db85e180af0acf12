namespace Aos.Governance.Compliance;

/// <summary>Represents the compliance of a tenant's audited actions over a time range: per control, per framework and overall.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="From">The earliest entry time, inclusive.</param>
/// <param name="To">The latest entry time, exclusive.</param>
/// <param name="Entries">How many entries of the range were read.</param>
/// <param name="Evaluated">How many control evaluations there were, over every framework.</param>
/// <param name="Passed">How many of those passed.</param>
/// <param name="Failed">How many of those failed.</param>
/// <param name="Rate">The compliance rate, passed over evaluated, 0 to 1; <see langword="null"/> when no control was exercised.</param>
/// <param name="Frameworks">The frameworks reported on.</param>
public sealed record ComplianceSummary(
    string Tenant, DateTimeOffset From, DateTimeOffset To, int Entries, int Evaluated, int Passed, int Failed, double? Rate, IReadOnlyList<ComplianceFrameworkSummary> Frameworks);

namespace Aos.Governance.Compliance;

/// <summary>Selects the audit entries a compliance summary covers.</summary>
public sealed record ComplianceSummaryQuery
{
    /// <summary>Gets the tenant whose entries are covered.</summary>
    public required string Tenant { get; init; }

    /// <summary>Gets the earliest entry time, inclusive.</summary>
    public required DateTimeOffset From { get; init; }

    /// <summary>Gets the latest entry time, exclusive.</summary>
    public required DateTimeOffset To { get; init; }

    /// <summary>Gets the framework to report on; <see langword="null"/> for every framework.</summary>
    public string? Framework { get; init; }
}

namespace Aos.Governance.Risks;

/// <summary>Selects a page of a tenant's risks: every filter given must hold.</summary>
public sealed record RiskQuery
{
    /// <summary>Gets the status to keep, when given.</summary>
    public RiskStatus? Status { get; init; }

    /// <summary>Gets the level to keep, when given.</summary>
    public RiskLevel? Level { get; init; }

    /// <summary>Gets the owner to keep, when given.</summary>
    public string? Owner { get; init; }

    /// <summary>Gets the most risks in a page, from 1 to 500.</summary>
    /// <value>The default is 50.</value>
    public int Limit { get; init; } = 50;

    /// <summary>Gets the continuation token of the previous page (<see cref="RiskPage.Next"/>); <see langword="null"/> for the first page.</summary>
    public string? After { get; init; }
}

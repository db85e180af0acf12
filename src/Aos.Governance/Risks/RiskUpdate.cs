namespace Aos.Governance.Risks;

/// <summary>Describes a change to a risk: each property left <see langword="null"/> is kept as it is.</summary>
public sealed record RiskUpdate
{
    /// <summary>Gets the new likelihood, from 1 to 5.</summary>
    public int? Likelihood { get; init; }

    /// <summary>Gets the new impact, from 1 to 5.</summary>
    public int? Impact { get; init; }

    /// <summary>Gets the new owner.</summary>
    public string? Owner { get; init; }

    /// <summary>Gets the new status.</summary>
    public RiskStatus? Status { get; init; }

    /// <summary>Gets the new review interval; the next review moves with it.</summary>
    public TimeSpan? ReviewInterval { get; init; }

    /// <summary>Gets the ETag the risk must still have (as read); <see langword="null"/> to change whatever version is stored now.</summary>
    public string? IfMatch { get; init; }
}

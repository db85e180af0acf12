namespace Aos.Governance.Risks;

/// <summary>Describes a risk to record.</summary>
public sealed record RiskRequest
{
    /// <summary>Gets the short title: 1 to 200 characters.</summary>
    public required string Title { get; init; }

    /// <summary>Gets the description, when there is one.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the category, when there is one.</summary>
    public string? Category { get; init; }

    /// <summary>Gets how likely the risk is, from 1 to 5.</summary>
    public required int Likelihood { get; init; }

    /// <summary>Gets how bad the risk would be, from 1 to 5.</summary>
    public required int Impact { get; init; }

    /// <summary>Gets who is responsible for the risk.</summary>
    public required string Owner { get; init; }

    /// <summary>Gets the initial status.</summary>
    /// <value>The default is <see cref="RiskStatus.Identified"/>.</value>
    public RiskStatus Status { get; init; } = RiskStatus.Identified;

    /// <summary>Gets how long a review lasts; <see langword="null"/> for the registry's default (<see cref="RiskRegistry.DefaultReviewInterval"/>).</summary>
    public TimeSpan? ReviewInterval { get; init; }
}

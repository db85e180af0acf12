namespace Aos.Governance.Risks;

/// <summary>Represents a risk of the registry, as read.</summary>
/// <remarks>Pass <see cref="ETag"/> back with a change to make it conditional on nobody having changed the risk since it was read.</remarks>
public sealed record Risk
{
    /// <summary>Gets the risk's id, unique within its tenant.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the tenant the risk belongs to.</summary>
    public required string Tenant { get; init; }

    /// <summary>Gets the risk's short title.</summary>
    public required string Title { get; init; }

    /// <summary>Gets the risk's description, when given.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the risk's category (<c>security</c>, <c>compliance</c>, …), when given.</summary>
    public string? Category { get; init; }

    /// <summary>Gets how likely the risk is, from 1 (rare) to 5 (almost certain).</summary>
    public required int Likelihood { get; init; }

    /// <summary>Gets how bad the risk would be, from 1 (negligible) to 5 (severe).</summary>
    public required int Impact { get; init; }

    /// <summary>Gets the score: likelihood × impact, from 1 to 25.</summary>
    public int Score => Likelihood * Impact;

    /// <summary>Gets the level the score falls in.</summary>
    public RiskLevel Level => LevelOf(Score);

    /// <summary>Gets who is responsible for the risk.</summary>
    public required string Owner { get; init; }

    /// <summary>Gets where the risk is in its life cycle.</summary>
    public required RiskStatus Status { get; init; }

    /// <summary>Gets the measures taken against the risk, oldest first.</summary>
    public IReadOnlyList<Mitigation> Mitigations { get; init; } = [];

    /// <summary>Gets how long a review lasts before the risk is due again.</summary>
    public required TimeSpan ReviewInterval { get; init; }

    /// <summary>Gets when the risk was last reviewed; <see langword="null"/> when it never was.</summary>
    public DateTimeOffset? LastReviewedAt { get; init; }

    /// <summary>Gets when the risk is due for review.</summary>
    public required DateTimeOffset NextReviewAt { get; init; }

    /// <summary>Gets when the risk was recorded.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the risk was last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Gets the version of the risk as stored.</summary>
    public required string ETag { get; init; }

    /// <summary>Gets the level of a score: at most 4 low, at most 9 medium, at most 16 high, above that critical.</summary>
    /// <param name="score">The score, likelihood × impact.</param>
    /// <returns>The level.</returns>
    public static RiskLevel LevelOf(int score) => score switch
    {
        <= 4 => RiskLevel.Low,
        <= 9 => RiskLevel.Medium,
        <= 16 => RiskLevel.High,
        _ => RiskLevel.Critical,
    };
}

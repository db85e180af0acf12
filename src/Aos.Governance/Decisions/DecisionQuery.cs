namespace Aos.Governance.Decisions;

/// <summary>Selects a page of a tenant's decisions: every filter given must hold.</summary>
public sealed record DecisionQuery
{
    /// <summary>Gets the principal whose decisions to keep, when given.</summary>
    public string? DecidedBy { get; init; }

    /// <summary>Gets the earliest decision time to keep (inclusive), when given.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Gets the time before which to keep decisions (exclusive), when given.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Gets the most decisions in a page, from 1 to 500.</summary>
    /// <value>The default is 50.</value>
    public int Limit { get; init; } = 50;

    /// <summary>Gets the continuation token of the previous page (<see cref="DecisionPage.Next"/>); <see langword="null"/> for the first page.</summary>
    public string? After { get; init; }
}

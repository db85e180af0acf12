namespace Aos.Agents;

/// <summary>Records a decision an agent made and why, for audit and for learning.</summary>
public sealed record DecisionRecord
{
    /// <summary>Gets what was decided.</summary>
    public required string Decision { get; init; }

    /// <summary>Gets why it was decided.</summary>
    public required string Rationale { get; init; }

    /// <summary>Gets the alternatives that were considered.</summary>
    public IReadOnlyList<string> Alternatives { get; init; } = [];

    /// <summary>Gets the goal the decision serves, if any.</summary>
    public string? GoalId { get; init; }

    /// <summary>Gets when the decision was made.</summary>
    public DateTimeOffset Timestamp { get; init; }
}

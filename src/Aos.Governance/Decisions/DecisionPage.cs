namespace Aos.Governance.Decisions;

/// <summary>Represents a page of decisions, oldest first (by decision time, to the millisecond).</summary>
/// <param name="Items">The decisions.</param>
/// <param name="Next">The continuation token of the next page (<see cref="DecisionQuery.After"/>); <see langword="null"/> on the last page.</param>
public sealed record DecisionPage(IReadOnlyList<Decision> Items, string? Next);

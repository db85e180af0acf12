namespace Aos.Governance.Risks;

/// <summary>Represents a page of risks, oldest first.</summary>
/// <param name="Items">The risks.</param>
/// <param name="Next">The continuation token of the next page (<see cref="RiskQuery.After"/>); <see langword="null"/> on the last page.</param>
public sealed record RiskPage(IReadOnlyList<Risk> Items, string? Next);

namespace Aos.Governance.Risks;

/// <summary>Represents a measure taken against a risk.</summary>
/// <param name="Id">The mitigation's id, unique within its risk.</param>
/// <param name="Description">What is done.</param>
/// <param name="Owner">Who is responsible for it, when someone is.</param>
/// <param name="AddedAt">When it was added.</param>
/// <param name="Status">Its state in the owner's words (<c>planned</c>, <c>done</c>), when given.</param>
public sealed record Mitigation(string Id, string Description, string? Owner, DateTimeOffset AddedAt, string? Status);

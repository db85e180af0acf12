namespace Aos.Governance.Decisions;

/// <summary>Represents an option that was considered for a decision.</summary>
/// <param name="Name">The option's name, unique within the decision; the decision's choice names one of them.</param>
/// <param name="Description">What the option is, when described.</param>
/// <param name="Score">How the option scored, when it was scored.</param>
public sealed record DecisionOption(string Name, string? Description = null, double? Score = null);

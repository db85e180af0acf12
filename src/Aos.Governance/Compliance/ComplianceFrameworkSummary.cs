namespace Aos.Governance.Compliance;

/// <summary>Represents how one framework fared over the entries of a summary.</summary>
/// <param name="Id">The framework's id.</param>
/// <param name="Name">The framework's name.</param>
/// <param name="Evaluated">How many control evaluations there were, over all its controls.</param>
/// <param name="Passed">How many of those passed.</param>
/// <param name="Failed">How many of those failed.</param>
/// <param name="Rate">Passed over evaluated, 0 to 1; <see langword="null"/> when no control was exercised.</param>
/// <param name="Controls">Every control, exercised or not.</param>
public sealed record ComplianceFrameworkSummary(string Id, string Name, int Evaluated, int Passed, int Failed, double? Rate, IReadOnlyList<ComplianceControlSummary> Controls);

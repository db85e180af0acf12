namespace Aos.Governance.Compliance;

/// <summary>Represents how one control fared over the entries of a summary.</summary>
/// <param name="Id">The control's id.</param>
/// <param name="Title">The control's title.</param>
/// <param name="Evaluated">How many entries the control judged.</param>
/// <param name="Passed">How many of those passed.</param>
/// <param name="Failed">How many of those failed.</param>
/// <param name="Rate">Passed over evaluated, 0 to 1; <see langword="null"/> when the control was not exercised.</param>
/// <param name="Failures">The first failures (entry and reason), at most <see cref="ComplianceService.MaxFailuresPerControl"/>.</param>
public sealed record ComplianceControlSummary(string Id, string Title, int Evaluated, int Passed, int Failed, double? Rate, IReadOnlyList<ComplianceFailure> Failures)
{
    /// <summary>Gets a value indicating whether any entry of the range was mapped to the control; a control not exercised has no rate.</summary>
    public bool Exercised => Evaluated > 0;
}

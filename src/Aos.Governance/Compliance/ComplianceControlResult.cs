namespace Aos.Governance.Compliance;

/// <summary>Represents how one control judged one audit entry.</summary>
/// <param name="Framework">The framework's id.</param>
/// <param name="Control">The control's id.</param>
/// <param name="Title">The control's title.</param>
/// <param name="Passed">Whether every pre- and post-condition held.</param>
/// <param name="FailedCondition">The id of the first condition that failed, or <see langword="null"/> when the control passed.</param>
/// <param name="Reason">Why it failed, such as <c>pre-condition 'approved' failed: context.approval.status is absent</c>; <see langword="null"/> when it passed.</param>
public sealed record ComplianceControlResult(string Framework, string Control, string Title, bool Passed, string? FailedCondition, string? Reason);

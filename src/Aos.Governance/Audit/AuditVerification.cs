namespace Aos.Governance.Audit;

/// <summary>Represents the outcome of verifying an audit log.</summary>
/// <param name="Ok">Whether every entry and checkpoint verified.</param>
/// <param name="EntriesChecked">How many entries were checked before the first problem, or in all.</param>
/// <param name="FirstBad">The sequence number of the first bad entry, or <see langword="null"/> when the log verified.</param>
/// <param name="Problem">One of <see cref="AuditProblems"/>, or <see langword="null"/> when the log verified.</param>
/// <param name="Detail">What exactly was found, for a person.</param>
public sealed record AuditVerification(bool Ok, long EntriesChecked, long? FirstBad, string? Problem, string? Detail)
{
    internal static AuditVerification Success(long checkedCount) => new(true, checkedCount, null, null, null);

    internal static AuditVerification Failure(long checkedCount, long firstBad, string problem, string detail) =>
        new(false, checkedCount, firstBad, problem, detail);
}

namespace Aos.Governance.Audit;

/// <summary>Represents one page of audit entries in insertion order.</summary>
/// <param name="Entries">The entries.</param>
/// <param name="Next">The cursor for the next page (pass it as <see cref="AuditQuery.After"/>), or <see langword="null"/> when this is the last page.</param>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, long? Next);

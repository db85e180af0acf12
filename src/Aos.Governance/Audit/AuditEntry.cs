namespace Aos.Governance.Audit;

/// <summary>Represents one stored audit entry, chained to the one before it.</summary>
/// <param name="Id">The sequence number: 1 for the first entry, gap-free in insertion order.</param>
/// <param name="Time">When the log wrote the entry.</param>
/// <param name="Tenant">The tenant the action happened in.</param>
/// <param name="Actor">Who acted.</param>
/// <param name="Action">What was done.</param>
/// <param name="Resource">What it was done to.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Level">How much attention the entry deserves.</param>
/// <param name="Context">Further details: a JSON object in canonical form (sorted keys, no whitespace).</param>
/// <param name="PreviousHash">The hash of the entry before, lowercase hex; 64 zeros for the first entry.</param>
/// <param name="Hash">SHA-256 over the previous hash's bytes and the canonical JSON of this entry without its hash, lowercase hex.</param>
public sealed record AuditEntry(
    long Id,
    DateTimeOffset Time,
    string Tenant,
    string Actor,
    string Action,
    string Resource,
    string Outcome,
    AuditLevel Level,
    string Context,
    string PreviousHash,
    string Hash);

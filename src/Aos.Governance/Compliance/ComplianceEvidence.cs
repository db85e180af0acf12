using System.Globalization;
using Aos.Governance.Audit;

namespace Aos.Governance.Compliance;

/// <summary>Holds what the checks need beyond the entry itself: the entries around it, the log's verification, and the decisions that link entries.</summary>
/// <remarks>Not thread-safe: it reuses one hasher.</remarks>
internal sealed class ComplianceEvidence : IDisposable
{
    private readonly AuditHasher _hasher = new();
    private readonly Dictionary<long, string> _hashes = [];
    private readonly AuditVerification? _verification;
    private readonly IReadOnlySet<string>? _decisionLinks;

    /// <summary>Initializes a new instance of the <see cref="ComplianceEvidence"/> class.</summary>
    /// <param name="verification">The log's own verification, when the entries came from it; <see langword="null"/> otherwise.</param>
    /// <param name="decisionLinks">The audit-entry references of the tenant's decisions; <see langword="null"/> when no control checks them.</param>
    public ComplianceEvidence(AuditVerification? verification, IReadOnlySet<string>? decisionLinks)
    {
        _verification = verification;
        _decisionLinks = decisionLinks;
    }

    /// <summary>Releases the hasher's native hash state.</summary>
    public void Dispose() => _hasher.Dispose();

    /// <summary>Remembers an entry's hash so that the entry after it can be checked to link to it.</summary>
    public void Add(AuditEntry entry) => _hashes[entry.Id] = entry.Hash;

    /// <summary>Forgets an entry's hash once the entry after it was checked, so that a long range does not hold every hash.</summary>
    public void Forget(long id) => _hashes.Remove(id);

    public static string DecisionLink(string tenant, string reference) => string.Concat(tenant, "\u001f", reference);

    public string? ChainFailure(AuditEntry entry)
    {
        Span<byte> previous = stackalloc byte[32];
        Span<byte> computed = stackalloc byte[32];
        if (entry.PreviousHash.Length != 64 || Convert.FromHexString(entry.PreviousHash, previous, out _, out _) != System.Buffers.OperationStatus.Done)
        {
            return $"entry {entry.Id}'s previous hash is not 64 hex digits";
        }

        _hasher.Compute(entry.Id, entry.Time.UtcTicks, entry.Tenant, entry.Actor, entry.Action, entry.Resource, entry.Outcome, entry.Level, entry.Context, previous, computed);
        if (!string.Equals(Convert.ToHexStringLower(computed), entry.Hash, StringComparison.Ordinal))
        {
            return $"entry {entry.Id}'s content does not match its hash: a field was changed after it was written";
        }

        if (_hashes.TryGetValue(entry.Id - 1, out var before) && !string.Equals(before, entry.PreviousHash, StringComparison.Ordinal))
        {
            return $"entry {entry.Id} does not point at the hash of entry {entry.Id - 1}: an entry was removed, inserted or changed";
        }

        return _verification is { Ok: false, FirstBad: { } bad } && entry.Id >= bad
            ? $"the audit log fails verification at entry {bad.ToString(CultureInfo.InvariantCulture)} ({_verification.Problem}), at or before this entry"
            : null;
    }

    public string? DecisionFailure(AuditEntry entry) =>
        _decisionLinks is not null
        && (_decisionLinks.Contains(DecisionLink(entry.Tenant, entry.Id.ToString(CultureInfo.InvariantCulture))) || _decisionLinks.Contains(DecisionLink(entry.Tenant, entry.Hash)))
            ? null
            : $"no decision record of tenant '{entry.Tenant}' links entry {entry.Id.ToString(CultureInfo.InvariantCulture)}";
}

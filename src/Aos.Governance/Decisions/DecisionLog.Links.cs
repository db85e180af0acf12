using Aos.Storage;

namespace Aos.Governance.Decisions;

/// <summary>Links approvals and audit entries to recorded decisions.</summary>
public sealed partial class DecisionLog
{
    private const int LinkAttempts = 5;

    /// <summary>Links an audit entry to a decision; linking the same entry again changes nothing.</summary>
    /// <param name="tenant">The tenant the decision belongs to.</param>
    /// <param name="id">The decision's id.</param>
    /// <param name="auditEntry">A reference to the audit entry: its id or sequence number.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The decision as stored; <see langword="null"/> when the tenant has none with that id.</returns>
    /// <exception cref="AosValidationException">The reference is empty or too long.</exception>
    public ValueTask<Decision?> LinkAuditEntryAsync(string tenant, string id, string auditEntry, CancellationToken cancellationToken = default)
    {
        var reference = DecisionValidation.Reference(auditEntry, "auditEntry");
        return LinkAsync(tenant, id, d => d.AuditEntries.Contains(reference, StringComparer.Ordinal) ? null : d with { AuditEntries = [.. d.AuditEntries, reference] }, cancellationToken);
    }

    /// <summary>Links an approval to a decision; linking the same approval again changes nothing.</summary>
    /// <param name="tenant">The tenant the decision belongs to.</param>
    /// <param name="id">The decision's id.</param>
    /// <param name="approvalId">The approval's id.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The decision as stored; <see langword="null"/> when the tenant has none with that id.</returns>
    /// <exception cref="AosValidationException">The id is empty or too long.</exception>
    public ValueTask<Decision?> LinkApprovalAsync(string tenant, string id, string approvalId, CancellationToken cancellationToken = default)
    {
        var reference = DecisionValidation.Reference(approvalId, "approvalId");
        return LinkAsync(tenant, id, d => d.Approvals.Contains(reference, StringComparer.Ordinal) ? null : d with { Approvals = [.. d.Approvals, reference] }, cancellationToken);
    }

    /// <summary>Applies a link, conditional on the version read; a concurrent link makes it read again, since links only add.</summary>
    private async ValueTask<Decision?> LinkAsync(string tenant, string id, Func<Decision, Decision?> link, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await ReadAsync(tenant, id, cancellationToken).ConfigureAwait(false) is not { } stored || DecisionDocument.Deserialize(stored.Document) is not { } decision)
            {
                return null;
            }

            if (link(decision) is not { } linked)
            {
                return decision;
            }

            try
            {
                await Store.UpsertAsync(Collection, tenant, id, DecisionDocument.Serialize(linked), stored.ETag, cancellationToken).ConfigureAwait(false);
                return linked;
            }
            catch (StorageConflictException) when (attempt < LinkAttempts)
            {
                // Another link landed first: read it and add this one to it.
            }
        }
    }
}

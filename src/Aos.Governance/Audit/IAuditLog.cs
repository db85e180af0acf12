namespace Aos.Governance.Audit;

/// <summary>Appends to, reads and verifies the tamper-evident audit log.</summary>
/// <remarks>
/// Entries are chained by SHA-256 and covered by signed checkpoints. An append completes only once the entry is committed (durable
/// against a crash of the process; the SQLite log also against power loss with <see cref="AuditLogOptions.SynchronousCommits"/>);
/// concurrent appenders get consecutive sequence numbers. Queries return entries in insertion order.
/// </remarks>
public interface IAuditLog
{
    /// <summary>Gets a value indicating whether more appends wait to be written than the log's bound allows.</summary>
    /// <value>
    /// <see langword="true"/> while the backlog is over the bound; callers that do not wait for their entries (the system-call pipeline's
    /// default) then wait, which slows the callers to the pace of the log instead of letting the queue grow without limit. The default
    /// implementation has no backlog.
    /// </value>
    bool IsBacklogged => false;

    /// <summary>Appends one record and returns the entry once it is durable.</summary>
    /// <param name="record">The record.</param>
    /// <param name="cancellationToken">Stops waiting; the record may still be written.</param>
    /// <returns>The stored entry.</returns>
    Task<AuditEntry> AppendAsync(AuditRecord record, CancellationToken cancellationToken = default);

    /// <summary>Appends records with consecutive sequence numbers and returns the entries once they are durable.</summary>
    /// <param name="records">The records, in order.</param>
    /// <param name="cancellationToken">Stops waiting; the records may still be written.</param>
    /// <returns>The stored entries, in order.</returns>
    Task<IReadOnlyList<AuditEntry>> AppendManyAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default);

    /// <summary>Returns one page of the entries a query selects, in insertion order.</summary>
    /// <param name="query">The filters, cursor and page size.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The page.</returns>
    Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default);

    /// <summary>Recomputes the chain and checks every checkpoint, and reports the first bad entry.</summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The outcome.</returns>
    Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes the whole live log as JSON Lines, with the checkpoints needed to verify it offline.</summary>
    /// <param name="destination">The stream to write to.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when the export is written.</returns>
    /// <remarks>Verify an export with <see cref="AuditVerifier.VerifyJsonLinesAsync"/>.</remarks>
    Task ExportAsync(Stream destination, CancellationToken cancellationToken = default);
}

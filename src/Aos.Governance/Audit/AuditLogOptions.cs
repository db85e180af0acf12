namespace Aos.Governance.Audit;

/// <summary>Configures the SQLite audit log.</summary>
public sealed class AuditLogOptions
{
    /// <summary>Gets or sets the path of the audit log's own SQLite database file.</summary>
    /// <value>Required.</value>
    public string DatabasePath { get; set; } = "";

    /// <summary>Gets or sets the directory that holds the checkpoint signing keys (<c>audit-checkpoint.key</c> and one file per key id).</summary>
    /// <value>Required. Keep it out of reach of whoever can write the database: without the key, re-chaining is detectable.</value>
    public string KeyDirectory { get; set; } = "";

    /// <summary>Gets or sets how many entries may follow a checkpoint before the next one is signed.</summary>
    /// <value>The default is 1000. It bounds how many trailing entries can be cut without verification noticing.</value>
    public int CheckpointEvery { get; set; } = 1000;

    /// <summary>Gets or sets the most records written in one transaction.</summary>
    /// <value>The default is 1000.</value>
    public int BatchSize { get; set; } = 1000;

    /// <summary>Gets or sets how many appended records may wait to be written before <see cref="IAuditLog.IsBacklogged"/> turns on.</summary>
    /// <value>The default is 100,000 (under a second of the writer's work). Callers that do not wait for their entries wait while it is exceeded.</value>
    public int MaxQueuedAppends { get; set; } = 100_000;

    /// <summary>Gets or sets whether each commit waits until it is on the disk (SQLite <c>synchronous=FULL</c>) before appends are acknowledged.</summary>
    /// <value>
    /// The default is <see langword="false"/>: <c>synchronous=NORMAL</c> in WAL mode, where an acknowledged append survives a crash of the
    /// process but the last commits before a power loss or an operating system crash may be lost (the chain stays valid: it ends
    /// earlier). Set it to <see langword="true"/> when every acknowledged entry must survive power loss, at several times the cost per batch.
    /// </value>
    public bool SynchronousCommits { get; set; }

    /// <summary>Gets or sets how long entries stay in the live log before they are archived, or <see langword="null"/> to keep them all there.</summary>
    /// <value>
    /// The default is <see langword="null"/>. When set, every <see cref="ArchiveInterval"/> the entries older than this move to a new file in
    /// <see cref="ArchiveDirectory"/> (JSON Lines, verifiable offline), after the live log verifies; the live log keeps verifying from the
    /// signed checkpoint left as its anchor.
    /// </value>
    public TimeSpan? Retention { get; set; }

    /// <summary>Gets or sets the directory archives are written to when <see cref="Retention"/> is set.</summary>
    /// <value>Required with <see cref="Retention"/>. Keep the files: they are the audit trail of the time they cover.</value>
    public string ArchiveDirectory { get; set; } = "";

    /// <summary>Gets or sets how often the entries past <see cref="Retention"/> are archived.</summary>
    /// <value>The default is 1 hour.</value>
    public TimeSpan ArchiveInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Throws when an option is missing or out of range, naming it.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DatabasePath))
        {
            throw new ArgumentException("AuditLogOptions.DatabasePath is required: set it to the path of the audit log's SQLite file.", nameof(DatabasePath));
        }

        if (string.IsNullOrWhiteSpace(KeyDirectory))
        {
            throw new ArgumentException("AuditLogOptions.KeyDirectory is required: set it to the directory that holds the checkpoint signing keys.", nameof(KeyDirectory));
        }

        if (CheckpointEvery < 1)
        {
            throw new ArgumentException($"AuditLogOptions.CheckpointEvery must be at least 1; it is {CheckpointEvery}.", nameof(CheckpointEvery));
        }

        if (MaxQueuedAppends < 1)
        {
            throw new ArgumentException($"AuditLogOptions.MaxQueuedAppends must be at least 1; it is {MaxQueuedAppends}.", nameof(MaxQueuedAppends));
        }

        if (BatchSize < 1)
        {
            throw new ArgumentException($"AuditLogOptions.BatchSize must be at least 1; it is {BatchSize}.", nameof(BatchSize));
        }

        if (Retention is { } retention && retention <= TimeSpan.Zero)
        {
            throw new ArgumentException($"AuditLogOptions.Retention must be positive, or unset to keep every entry in the live log; it is {retention}.", nameof(Retention));
        }

        if (Retention is not null && string.IsNullOrWhiteSpace(ArchiveDirectory))
        {
            throw new ArgumentException("AuditLogOptions.ArchiveDirectory is required with Retention: set it to the directory the archives are written to.", nameof(ArchiveDirectory));
        }

        if (ArchiveInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"AuditLogOptions.ArchiveInterval must be positive; it is {ArchiveInterval}.", nameof(ArchiveInterval));
        }
    }
}

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
    }
}

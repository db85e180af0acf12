namespace Aos.Storage.Sqlite;

/// <summary>
/// Configures the embedded SQLite database that stores grain state, reminders, the agent directory and journals.
/// </summary>
/// <remarks>
/// Every component configured with the same <see cref="DataDirectory"/> shares one <see cref="SqliteDatabase"/>: one file,
/// one writer. When two configurations name the same directory, the first one opened decides the other settings.
/// </remarks>
public sealed class SqliteStorageOptions
{
    /// <summary>Gets the name of the database file inside <see cref="DataDirectory"/>.</summary>
    public const string FileName = "aos.db";

    /// <summary>Gets or sets the directory that holds the database file; it is created when missing.</summary>
    /// <value>Required; there is no default.</value>
    public string DataDirectory { get; set; } = string.Empty;

    /// <summary>Gets or sets how hard SQLite works to make a commit survive a crash.</summary>
    /// <remarks>
    /// With <see cref="SqliteSynchronousMode.Full"/> or <see cref="SqliteSynchronousMode.Extra"/> in WAL mode, the log is synced
    /// by a flusher thread after each commit rather than inside it, so the writer does not wait for the disk between batches;
    /// writes are still acknowledged only once synced.
    /// </remarks>
    /// <value>The default is <see cref="SqliteSynchronousMode.Full"/>: an acknowledged write survives a power loss.</value>
    public SqliteSynchronousMode Synchronous { get; set; } = SqliteSynchronousMode.Full;

    /// <summary>Gets or sets the most queued write operations committed together in one transaction.</summary>
    /// <remarks>
    /// Larger batches share one commit among more writes, but every write queued behind a batch waits for all of it: on the 2-core
    /// benchmark machine 128 instead of 512 cut the message bus's p99 at half load from 22–89 ms to 8–18 ms, with the same throughput
    /// within the run-to-run noise (docs/BENCHMARKS.md § 6.8).
    /// </remarks>
    /// <value>The default is 128.</value>
    public int MaxBatchSize { get; set; } = 128;

    /// <summary>Gets or sets how long a connection waits for a lock held by another process before it fails.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long the background checkpointer waits after a checkpoint before the next one.</summary>
    /// <remarks>
    /// Longer lets more commits share one checkpoint (more throughput); shorter keeps checkpoints small, so the writer is not held
    /// up behind a large one (lower tail latency). On the 2-core benchmark machine 5 ms (the default) instead of 20 ms cut the message
    /// bus's p99 at half load from 22–47 ms to 16–28 ms for about 5 % of direct event throughput (docs/BENCHMARKS.md § 6.4).
    /// </remarks>
    /// <value>The default is 5 milliseconds.</value>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Gets or sets the page cache of the one connection that writes, in bytes.</summary>
    /// <remarks>
    /// A larger cache keeps more pages in memory for the writer, but SQLite walks the whole cache at the commit after a B-tree page
    /// swap, which a busy node does every few commits. On the 2-core benchmark machine, 4 MiB instead of 32 MiB took the writer from
    /// 47–64 to 35–56 µs per bus message at 5,000 messages per second, and was no worse for the bus at 25,000 per second, for event
    /// throughput or for registering agents; but 1-step workflows ran 20–25 % slower, their working set no longer fitting
    /// (docs/BENCHMARKS.md § 6.16). A node that mostly relays messages at a modest rate can take the smaller cache.
    /// </remarks>
    /// <value>The default is 32 MiB.</value>
    public long WriterCacheSize { get; set; } = 32L * 1024 * 1024;

    private const long MinWriterCacheSize = 1024L * 1024;
    private const long MaxWriterCacheSize = 16L * 1024 * 1024 * 1024;

    internal string DatabasePath => Path.Combine(Path.GetFullPath(DataDirectory), FileName);

    internal IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            yield return $"{nameof(SqliteStorageOptions)}.{nameof(DataDirectory)} is required: set it to the directory that holds {FileName}, with AddAosSqliteStorage or the configure argument of the SQLite grain storage or reminder service.";
        }

        if (MaxBatchSize < 1)
        {
            yield return $"{nameof(SqliteStorageOptions)}.{nameof(MaxBatchSize)} is {MaxBatchSize}; it must be at least 1.";
        }

        if (CheckpointInterval < TimeSpan.Zero || CheckpointInterval > TimeSpan.FromMinutes(1))
        {
            yield return $"{nameof(SqliteStorageOptions)}.{nameof(CheckpointInterval)} is {CheckpointInterval}; it must be between zero and one minute.";
        }

        if (BusyTimeout < TimeSpan.Zero || BusyTimeout.TotalMilliseconds > int.MaxValue)
        {
            yield return $"{nameof(SqliteStorageOptions)}.{nameof(BusyTimeout)} is {BusyTimeout}; it must be between zero and {TimeSpan.FromMilliseconds(int.MaxValue)}.";
        }

        if (WriterCacheSize < MinWriterCacheSize || WriterCacheSize > MaxWriterCacheSize)
        {
            yield return $"{nameof(SqliteStorageOptions)}.{nameof(WriterCacheSize)} is {WriterCacheSize:N0} bytes; it must be between {MinWriterCacheSize:N0} (1 MiB) and {MaxWriterCacheSize:N0} (16 GiB).";
        }

        if (!Enum.IsDefined(Synchronous))
        {
            yield return $"{nameof(SqliteStorageOptions)}.{nameof(Synchronous)} is {(int)Synchronous}; use one of {string.Join(", ", Enum.GetNames<SqliteSynchronousMode>())}.";
        }
    }
}

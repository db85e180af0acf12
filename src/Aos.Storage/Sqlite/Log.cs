using Microsoft.Extensions.Logging;

namespace Aos.Storage.Sqlite;

/// <summary>Defines the log messages of the SQLite storage.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Opened SQLite database {Path} (journal mode {JournalMode}, synchronous {Synchronous}).")]
    public static partial void Opened(ILogger logger, string path, string? journalMode, SqliteSynchronousMode synchronous);

    [LoggerMessage(2, LogLevel.Warning, "SQLite database {Path} could not switch to WAL mode (it is in {JournalMode} mode): readers will block the writer. Put the data directory on a local file system.")]
    public static partial void WalUnavailable(ILogger logger, string path, string? journalMode);

    [LoggerMessage(3, LogLevel.Error, "A batch of {Count} writes to SQLite database {Path} failed; every write in it was rolled back and reported to its caller.")]
    public static partial void BatchFailed(ILogger logger, Exception exception, int count, string path);

    [LoggerMessage(4, LogLevel.Error, "Rolling back a failed batch in SQLite database {Path} failed.")]
    public static partial void RollbackFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(5, LogLevel.Information, "Migrated the '{Component}' schema of SQLite database {Path} from version {From} to {To}.")]
    public static partial void SchemaMigrated(ILogger logger, string component, int from, int to, string path);

    [LoggerMessage(6, LogLevel.Information, "Closed SQLite database {Path}.")]
    public static partial void Closed(ILogger logger, string path);

    [LoggerMessage(8, LogLevel.Warning, "A background checkpoint of SQLite database {Path} failed; it is retried after the next commit, and the writer checkpoints itself once the log reaches {Pages} pages.")]
    public static partial void CheckpointFailed(ILogger logger, Exception exception, string path, int pages);

    [LoggerMessage(9, LogLevel.Critical, "Flushing the write-ahead log of SQLite database {Path} to disk failed: the database has stopped and every write and read now fails. Fix the disk and restart the process; SQLite recovers the database from its log.")]
    public static partial void FlushFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(10, LogLevel.Warning, "Flushing the write-ahead log of SQLite database {Path} to disk took {Milliseconds:N0} ms; every write acknowledged by that flush, and every read that waited for it, took as long. The disk is slow or overloaded (metric aos.storage.sqlite.log_flush.duration).")]
    public static partial void SlowFlush(ILogger logger, string path, double milliseconds);

    [LoggerMessage(11, LogLevel.Information, "SQLite was already in use in this process when AOS opened {Path}, so it keeps its memory statistics, which cost every SQLite allocation a lock shared by all connections. Register the embedded storage (AddAosSqlite) before anything opens an SQLite connection.")]
    public static partial void EngineInUse(ILogger logger, string path);

    [LoggerMessage(7, LogLevel.Error, "The stored state {StateName} of grain {GrainId} in grain storage {Provider} cannot be deserialized.")]
    public static partial void CorruptGrainState(ILogger logger, Exception exception, string provider, string stateName, string grainId);

    [LoggerMessage(12, LogLevel.Information, "Deleted the rows of {Count} grain states of grain storage {Provider} cleared more than {Retention} ago.")]
    public static partial void ClearedStatesSwept(ILogger logger, long count, string provider, TimeSpan retention);

    [LoggerMessage(13, LogLevel.Warning, "Sweeping the rows of cleared grain states of grain storage {Provider} failed; the next sweep tries again.")]
    public static partial void ClearedStateSweepFailed(ILogger logger, Exception exception, string provider);
}

namespace Aos.Storage.Sqlite;

/// <summary>Specifies how hard SQLite works to make a committed transaction survive a crash (<c>PRAGMA synchronous</c>).</summary>
public enum SqliteSynchronousMode
{
    /// <summary>Hands writes to the operating system without syncing: a power loss can lose recent commits or corrupt the file.</summary>
    Off = 0,

    /// <summary>Syncs at WAL checkpoints only: a power loss can roll back the most recent commits, never corrupt the file.</summary>
    Normal = 1,

    /// <summary>Syncs the write-ahead log on every commit: an acknowledged commit survives a power loss.</summary>
    Full = 2,

    /// <summary>Syncs like <see cref="Full"/> and also the directory after the log is reset.</summary>
    Extra = 3,
}

using Microsoft.Data.Sqlite;

namespace Aos.Storage.Sqlite;

public sealed partial class SqliteDatabase
{
    /// <summary>Copies the database, as of one instant, into a new file while reads and writes go on.</summary>
    /// <remarks>
    /// Uses SQLite's online backup in a single step, which reads the whole database inside one read transaction: the copy holds every
    /// write committed before the backup started and none committed after, and writers are not held up (the database is in WAL mode).
    /// The copy is a self-contained database file (rollback journal mode), synced before the task completes.
    /// </remarks>
    /// <param name="destinationPath">The new file's path; it must not exist.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests; honoured before the copy starts.</param>
    /// <returns>A task that completes when the copy is durable.</returns>
    /// <exception cref="IOException">The destination exists.</exception>
    public Task BackupToAsync(string destinationPath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(destinationPath);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (File.Exists(destinationPath))
        {
            throw new IOException($"The backup file '{destinationPath}' exists already; back up into an empty directory.");
        }

        return Task.Run(
            () =>
            {
                using var source = OpenConnection();
                using (var destination = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = destinationPath, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString()))
                {
                    destination.Open();
                    source.BackupDatabase(destination);
                    ExecuteScalar(destination, "PRAGMA journal_mode=DELETE;");
                    if (ExecuteScalar(destination, "PRAGMA quick_check;") is var result && result != "ok")
                    {
                        throw new InvalidDataException($"The backup copy of '{DatabasePath}' failed its integrity check: {result}");
                    }
                }

                using var file = new FileStream(destinationPath, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
                file.Flush(flushToDisk: true);
            },
            cancellationToken);
    }
}

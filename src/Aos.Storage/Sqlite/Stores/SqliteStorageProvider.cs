using Microsoft.Data.Sqlite;

namespace Aos.Storage.Sqlite;

/// <summary>
/// The embedded storage backend: tables, queues and documents as rows of the node's SQLite database, blob content as files beside it.
/// </summary>
/// <remarks>
/// Every write is one operation of the database's single writer, committed (and, with the default <c>synchronous=FULL</c>, synced)
/// before its task completes; a failed operation keeps none of its changes. Blob content goes to a new file that is synced before the
/// row that points at it is committed, so a crash leaves the old object or the new one, and at worst an unreferenced file, which the
/// provider deletes when it starts. Queue visibility runs on the injected <see cref="TimeProvider"/>. Thread-safe.
/// </remarks>
public sealed partial class SqliteStorageProvider : IStorageProvider, IStorageHealth
{
    internal const string SchemaComponent = "aos.storage";

    internal static readonly string[] Migrations =
    [
        """
        CREATE TABLE storage_blobs (
            store        TEXT    NOT NULL,
            name         TEXT    NOT NULL,
            file         TEXT    NOT NULL,
            length       INTEGER NOT NULL,
            content_type TEXT    NOT NULL,
            metadata     TEXT    NOT NULL,
            etag         TEXT    NOT NULL,
            modified     INTEGER NOT NULL,
            PRIMARY KEY (store, name)) WITHOUT ROWID;
        CREATE TABLE storage_entities (
            store    TEXT    NOT NULL,
            pk       TEXT    NOT NULL,
            rk       TEXT    NOT NULL,
            props    TEXT    NOT NULL,
            etag     TEXT    NOT NULL,
            modified INTEGER NOT NULL,
            PRIMARY KEY (store, pk, rk)) WITHOUT ROWID;
        CREATE TABLE storage_queue (
            seq           INTEGER PRIMARY KEY AUTOINCREMENT,
            store         TEXT    NOT NULL,
            id            TEXT    NOT NULL UNIQUE,
            body          TEXT    NOT NULL,
            visible_at    INTEGER NOT NULL,
            dequeue_count INTEGER NOT NULL,
            inserted_at   INTEGER NOT NULL,
            pop_receipt   TEXT,
            dead          INTEGER NOT NULL);
        CREATE INDEX ix_storage_queue_visible ON storage_queue (store, dead, visible_at, seq);
        CREATE TABLE storage_documents (
            store      TEXT    NOT NULL,
            collection TEXT    NOT NULL,
            pk         TEXT    NOT NULL,
            id         TEXT    NOT NULL,
            doc        TEXT    NOT NULL,
            etag       TEXT    NOT NULL,
            modified   INTEGER NOT NULL,
            PRIMARY KEY (store, collection, pk, id)) WITHOUT ROWID;
        """,
    ];

    /// <summary>Gets how many rows a query reads per page.</summary>
    internal const int PageSize = 100;

    private readonly SchemaGate _schema;
    private readonly Lazy<Task> _cleanup;
    private readonly Lock _holdLock = new();
    private readonly List<string> _heldDeletions = [];
    private int _holds;

    /// <summary>Initializes a new instance of the <see cref="SqliteStorageProvider"/> class.</summary>
    /// <param name="database">The node's database.</param>
    /// <param name="timeProvider">The clock for timestamps and queue visibility.</param>
    public SqliteStorageProvider(SqliteDatabase database, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _schema = new SchemaGate(database, SchemaComponent, Migrations);
        TimeProvider = timeProvider;
        BlobDirectory = Path.Combine(Path.GetDirectoryName(database.DatabasePath)!, "blobs");
        _cleanup = new Lazy<Task>(DeleteOrphanFilesAsync);
    }

    /// <inheritdoc />
    public string Name => "sqlite";

    /// <summary>Gets the directory that holds blob content files.</summary>
    public string BlobDirectory { get; }

    internal SqliteDatabase Database => _schema.Database;

    internal TimeProvider TimeProvider { get; }

    /// <inheritdoc />
    public IBlobStore GetBlobStore(string name)
    {
        StorageNames.ValidateName(name, "store name");
        return new SqliteBlobStore(this, name);
    }

    /// <inheritdoc />
    public ITableStore GetTableStore(string name)
    {
        StorageNames.ValidateName(name, "store name");
        return new SqliteTableStore(this, name);
    }

    /// <inheritdoc />
    public IQueueStore GetQueueStore(string name, QueueStoreOptions? options = null)
    {
        StorageNames.ValidateName(name, "store name");
        var maxDequeueCount = options?.MaxDequeueCount ?? new QueueStoreOptions().MaxDequeueCount;
        if (maxDequeueCount < 1)
        {
            throw new AosValidationException($"MaxDequeueCount must be at least 1, not {maxDequeueCount}.") { Field = "maxDequeueCount" };
        }

        return new SqliteQueueStore(this, name, maxDequeueCount);
    }

    /// <inheritdoc />
    public IDocumentStore GetDocumentStore(string name)
    {
        StorageNames.ValidateName(name, "store name");
        return new SqliteDocumentStore(this, name);
    }

    /// <inheritdoc />
    public async ValueTask CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await Database.ReadAsync(connection =>
            {
                using var command = Command(connection, "SELECT count(*) FROM schema_version;");
                return command.ExecuteScalar();
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SqliteException or IOException or ObjectDisposedException)
        {
            throw new StorageUnavailableException($"The embedded database '{Database.DatabasePath}' cannot be read ({ex.Message}). Check the disk and the data directory's permissions.", ex) { Backend = Name };
        }
    }

    /// <summary>Waits for the schema and, the first time, deletes blob files that no row points at (left by a crash mid-put).</summary>
    internal async ValueTask ReadyAsync(CancellationToken cancellationToken)
    {
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _cleanup.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gets the time now, in Unix milliseconds.</summary>
    internal long Now() => TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Creates a new opaque ETag.</summary>
    internal static string NewETag() => "\"" + Guid.NewGuid().ToString("N") + "\"";

    /// <summary>Creates a command with parameters on a connection.</summary>
    internal static SqliteCommand Command(SqliteConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    /// <summary>Gets a statement prepared once per connection, with its parameters set; the caller must not dispose it.</summary>
    internal static SqliteCommand Prepared(SqliteConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var names = new string[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            names[i] = parameters[i].Name;
        }

        var command = SqliteCommandCache.Get(connection, sql, names);
        for (var i = 0; i < parameters.Length; i++)
        {
            command.Parameters[i].Value = parameters[i].Value ?? DBNull.Value;
        }

        return command;
    }

    private async Task DeleteOrphanFilesAsync()
    {
        Directory.CreateDirectory(BlobDirectory);
        var referenced = await Database.ReadAsync(connection =>
        {
            using var command = Command(connection, "SELECT file FROM storage_blobs;");
            using var reader = command.ExecuteReader();
            var files = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read())
            {
                files.Add(reader.GetString(0));
            }

            return files;
        }).ConfigureAwait(false);
        foreach (var path in Directory.EnumerateFiles(BlobDirectory))
        {
            if (!referenced.Contains(Path.GetFileName(path)))
            {
                TryDelete(path);
            }
        }
    }

    /// <summary>Defers deleting blob files until the returned hold is disposed, so a backup can copy every file its snapshot refers to.</summary>
    /// <returns>The hold; disposing it deletes the files whose deletion it deferred.</returns>
    internal IDisposable HoldDeletions()
    {
        lock (_holdLock)
        {
            _holds++;
        }

        return new DeletionHold(this);
    }

    /// <summary>Deletes a blob file, or defers it while a backup holds deletions.</summary>
    internal void DeleteFile(string file)
    {
        lock (_holdLock)
        {
            if (_holds > 0)
            {
                _heldDeletions.Add(file);
                return;
            }
        }

        TryDelete(Path.Combine(BlobDirectory, file));
    }

    private void Release()
    {
        string[] files;
        lock (_holdLock)
        {
            if (--_holds > 0)
            {
                return;
            }

            files = [.. _heldDeletions];
            _heldDeletions.Clear();
        }

        foreach (var file in files)
        {
            TryDelete(Path.Combine(BlobDirectory, file));
        }
    }

    internal static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Still open somewhere (a reader on a platform that locks open files): the next start deletes it.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }

    private sealed class DeletionHold(SqliteStorageProvider provider) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                provider.Release();
            }
        }
    }
}

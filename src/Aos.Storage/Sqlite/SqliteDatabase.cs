using System.Globalization;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aos.Storage.Sqlite;

/// <summary>
/// Owns one SQLite database file in WAL mode: a single writer thread that commits queued writes in batches, and a pool of read connections.
/// </summary>
/// <remarks>
/// <para>
/// Writes are serialized through one connection: the writer drains up to <see cref="SqliteStorageOptions.MaxBatchSize"/> queued
/// operations and runs them in one <c>BEGIN IMMEDIATE</c> transaction, each inside its own savepoint (consecutive replayable
/// ones, <see cref="WriteReplayableAsync{T}"/>, inside one shared savepoint, or none when they begin the batch), so one commit
/// serves many callers and an operation that throws fails only its own caller. A write's task completes after its batch commits
/// and, with <see cref="SqliteSynchronousMode.Full"/> or <see cref="SqliteSynchronousMode.Extra"/>, after a flusher thread has
/// synced the log that holds it: one sync serves every batch committed before it started, and the writer does not wait for it.
/// </para>
/// <para>
/// A checkpointer thread copies committed pages from the write-ahead log into the database file on its own connection, so the
/// writer does not pay for checkpoints between commits.
/// </para>
/// <para>
/// Reads run on pooled connections and see every write whose task has completed; a read that may have seen a write not yet synced
/// returns only after the sync. All members are thread-safe.
/// </para>
/// </remarks>
public sealed partial class SqliteDatabase : IAsyncDisposable, IDisposable
{
    private const string SchemaVersionTable =
        "CREATE TABLE IF NOT EXISTS schema_version (component TEXT NOT NULL PRIMARY KEY, version INTEGER NOT NULL);";

    private static int _engineWarned;
    private readonly string _connectionString;
    private readonly SqliteStorageOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly Channel<WriteOperation> _queue;
    private readonly Thread _writer;
    private readonly TaskCompletionSource _writerStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SqliteConnection _writeConnection;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="SqliteDatabase"/> class and opens (or creates) the database file.</summary>
    /// <param name="options">The database options; <see cref="SqliteStorageOptions.DataDirectory"/> is required.</param>
    /// <param name="logger">The logger, or <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock that times each flush of the log, or <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message names the option.</exception>
    public SqliteDatabase(SqliteStorageOptions options, ILogger<SqliteDatabase>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate().ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _options = new SqliteStorageOptions
        {
            DataDirectory = options.DataDirectory,
            Synchronous = options.Synchronous,
            MaxBatchSize = options.MaxBatchSize,
            BusyTimeout = options.BusyTimeout,
            CheckpointInterval = options.CheckpointInterval,
            WriterCacheSize = options.WriterCacheSize,
        };
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        if (!SqliteEngine.Configure() && Interlocked.Exchange(ref _engineWarned, 1) == 0)
        {
            Log.EngineInUse(_logger, options.DatabasePath);
        }

        DatabasePath = _options.DatabasePath;
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = (int)Math.Clamp(Math.Ceiling(_options.BusyTimeout.TotalSeconds), 1, int.MaxValue),
        }.ToString();

        _writeConnection = OpenWriteConnection();
        // The queue's only continuation is the idle writer's wake-up: a caller that queues a write wakes the writer itself,
        // instead of through a thread-pool work item (a lone writer's put waited for two thread hand-offs before its commit).
        _queue = Channel.CreateUnbounded<WriteOperation>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });
        _writer = new Thread(RunWriter) { IsBackground = true, Name = "Aos.Sqlite.Writer" };
        StartFlusher();
        _writer.Start();
        StartCheckpointer();
    }

    /// <summary>Gets the full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Stops accepting writes, commits every write already queued, and closes the database.</summary>
    /// <returns>A task that completes when the database is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _queue.Writer.TryComplete();
        }

        await _writerStopped.Task.ConfigureAwait(false);
        StopCheckpointer();
        await _checkpointerStopped.Task.ConfigureAwait(false);
        _checkpointDue.Dispose();
        CloseReaders();
    }

    /// <summary>Stops accepting writes, commits every write already queued, and closes the database, blocking until done.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _queue.Writer.TryComplete();
        }

        if (Thread.CurrentThread != _writer)
        {
            _writer.Join();
        }

        StopCheckpointer();
        if (Thread.CurrentThread != _checkpointer)
        {
            _checkpointer?.Join();
        }

        _checkpointDue.Dispose();
        CloseReaders();
    }

    private SqliteConnection OpenWriteConnection()
    {
        var connection = OpenConnection();
        try
        {
            var journalMode = ExecuteScalar(connection, "PRAGMA journal_mode=WAL;");
            if (!string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                Log.WalUnavailable(_logger, DatabasePath, journalMode);
            }

            // A cache of its own size for the one connection that writes (in KiB when negative); a cap on the WAL file so one huge batch
            // does not leave it huge forever.
            var cacheKib = (_options.WriterCacheSize / 1024).ToString(CultureInfo.InvariantCulture);
            ExecuteScalar(connection, $"PRAGMA cache_size=-{cacheKib}; PRAGMA journal_size_limit=67108864;");
            ExecuteScalar(connection, $"PRAGMA wal_autocheckpoint={WriterCheckpointPages.ToString(CultureInfo.InvariantCulture)};");
            FlushesSeparately = _options.Synchronous >= SqliteSynchronousMode.Full && string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase);
            if (FlushesSeparately)
            {
                // The flusher thread syncs the log after each commit (SqliteDatabase.Durability.cs); the writer still syncs the log's header
                // when it starts the log over, and checkpoints sync as before.
                ExecuteScalar(connection, "PRAGMA synchronous=NORMAL;");
            }

            ExecuteScalar(connection, SchemaVersionTable);
            Log.Opened(_logger, DatabasePath, journalMode, _options.Synchronous);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            var busyMs = ((long)_options.BusyTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            var synchronous = ((int)_options.Synchronous).ToString(CultureInfo.InvariantCulture);
            ExecuteScalar(connection, $"PRAGMA busy_timeout={busyMs}; PRAGMA synchronous={synchronous}; PRAGMA temp_store=MEMORY;");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static string? ExecuteScalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void CloseConnection(SqliteConnection connection)
    {
        SqliteCommandCache.Clear(connection);
        SqliteStatement.Clear(connection);
        connection.Dispose();
    }
}

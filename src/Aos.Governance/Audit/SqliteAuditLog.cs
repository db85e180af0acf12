using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Aos.Governance.Audit;

/// <summary>Keeps the audit log in its own SQLite database file, with batched appends and signed checkpoints.</summary>
/// <remarks>
/// <para>
/// Appends go through a channel to one writer loop that takes the pending records, chains them in memory, writes them in one
/// transaction and only then completes each caller's task: concurrent appenders get consecutive sequence numbers and nothing is
/// acknowledged before it is committed. Every <see cref="AuditLogOptions.CheckpointEvery"/>-th entry gets a signed checkpoint in the
/// same transaction. The database runs in WAL mode with <c>synchronous=NORMAL</c> unless <see cref="AuditLogOptions.SynchronousCommits"/>
/// is set: an acknowledged entry survives a crash of the process, and a power loss may lose the last commits but never breaks the chain.
/// </para>
/// <para>
/// Verification reads the rows as raw bytes through one native statement, hashes each chunk of rows in parallel (an entry's hash
/// depends on its own row only) and checks the links and checkpoints in order, so it reports the same first bad entry as a
/// one-at-a-time check would.
/// </para>
/// <para>
/// Residual risk: the entries after the last checkpoint (fewer than <see cref="AuditLogOptions.CheckpointEvery"/>) can be cut, together
/// with nothing else, without verification noticing; call <see cref="CheckpointAsync"/> to close that window at a point of interest.
/// Cutting the tail together with the checkpoints that cover it, by someone who can write the database, leaves a shorter valid log:
/// exports and archives kept elsewhere are the evidence then. Each checkpoint signs the cadence it promises; lowering
/// <see cref="AuditLogOptions.CheckpointEvery"/> on a log that has no checkpoint yet makes its first stretch fail as "checkpoint missing".
/// </para>
/// </remarks>
public sealed partial class SqliteAuditLog : IAuditLog, IAsyncDisposable, IDisposable
{
    private const string EntryColumns = "seq, time, tenant, actor, action, resource, outcome, level, context, prev_hash, hash";
    private const int SchemaVersion = 1;

    private readonly AuditLogOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly string _connectionString;
    private readonly AuditKeyRing _keys;
    private readonly SqliteConnection _connection;
    private readonly Channel<PendingAppend> _pending = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private int _disposed;
    private int _stopping;

    /// <summary>Initializes a new instance of the <see cref="SqliteAuditLog"/> class: opens or creates the database and the keys.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="timeProvider">The clock that stamps entries and checkpoints.</param>
    public SqliteAuditLog(IOptions<AuditLogOptions> options, TimeProvider timeProvider)
        : this(options?.Value!, timeProvider)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SqliteAuditLog"/> class: opens or creates the database and the keys.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="timeProvider">The clock that stamps entries and checkpoints.</param>
    public SqliteAuditLog(AuditLogOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        _options = options;
        _timeProvider = timeProvider;
        var directory = Path.GetDirectoryName(Path.GetFullPath(options.DatabasePath));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        _connectionString = new SqliteConnectionStringBuilder { DataSource = options.DatabasePath, Pooling = true, DefaultTimeout = 30 }.ToString();
        _keys = AuditKeyRing.Open(options.KeyDirectory);
        _connection = Open();
        CreateSchema();
        LoadTail();
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Gets the id of the key that signs new checkpoints.</summary>
    public string CheckpointKeyId => _keys.CurrentKeyId;

    /// <summary>Stops accepting appends, writes the pending ones and closes the database.</summary>
    /// <param name="cancellationToken">Stops waiting for the pending appends.</param>
    /// <returns>A task that completes when the pending appends are written.</returns>
    /// <remarks>After the pending appends, the last entry gets a signed checkpoint: a log that was stopped cleanly has no tail that could be cut unnoticed.</remarks>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 0)
        {
            var checkpoint = CheckpointAsync(CancellationToken.None);
            _pending.Writer.TryComplete();
            try
            {
                await checkpoint.WaitAsync(cancellationToken);
            }
#pragma warning disable CA1031 // A checkpoint that cannot be written must not keep the log from stopping; the appends already failed the same way.
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
            }
        }

        await _writer.WaitAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await StopAsync();
            _insertEntry?.Dispose();
            _hasher.Dispose();
            _insertPosting?.Dispose();
            _insertBlock?.Dispose();
            _connection.Dispose();
            _rowsGate.Dispose();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();

        // WAL lets queries and verification read while the writer appends. FULL makes a commit survive power loss before it is
        // acknowledged; NORMAL (in WAL mode) makes it survive a crash of the process, and syncs at each WAL checkpoint.
        // The larger page cache keeps the five indexes' hot pages in memory across batches.
        pragma.CommandText = _options.SynchronousCommits
            ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-16384;"
            : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16384;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Creates the tables, or migrates a log written by an earlier version, in one transaction.</summary>
    /// <remarks>
    /// Version 0 (or a new file) had one secondary index per filtered field; version 1 replaces them with the block index
    /// (<see cref="AuditBlockIndex"/>): the old indexes are dropped and the postings of every complete block are built from the rows.
    /// </remarks>
    private void CreateSchema()
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version";
        var version = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (version >= SchemaVersion)
        {
            return;
        }

        command.CommandText = $"""
            CREATE TABLE IF NOT EXISTS audit_entries (
                seq INTEGER PRIMARY KEY, time INTEGER NOT NULL, tenant TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
                resource TEXT NOT NULL, outcome TEXT NOT NULL, level INTEGER NOT NULL, context TEXT NOT NULL,
                prev_hash BLOB NOT NULL, hash BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS audit_checkpoints (
                seq INTEGER PRIMARY KEY, hash TEXT NOT NULL, time INTEGER NOT NULL, every INTEGER NOT NULL,
                key_id TEXT NOT NULL, signature TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS audit_postings (
                field INTEGER NOT NULL, value TEXT NOT NULL, block INTEGER NOT NULL, offsets BLOB NOT NULL,
                PRIMARY KEY (field, value, block)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS audit_blocks (block INTEGER PRIMARY KEY, min_time INTEGER NOT NULL, max_time INTEGER NOT NULL);
            DROP INDEX IF EXISTS audit_entries_tenant;
            DROP INDEX IF EXISTS audit_entries_actor;
            DROP INDEX IF EXISTS audit_entries_action;
            DROP INDEX IF EXISTS audit_entries_resource;
            DROP INDEX IF EXISTS audit_entries_time;
            DELETE FROM audit_postings;
            DELETE FROM audit_blocks;
            """;
        command.ExecuteNonQuery();
        IndexCompleteBlocks(transaction);
        command.CommandText = $"PRAGMA user_version = {SchemaVersion}";
        command.ExecuteNonQuery();
        transaction.Commit();
    }
}

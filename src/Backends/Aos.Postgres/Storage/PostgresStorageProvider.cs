using Aos.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aos.Postgres.Storage;

/// <summary>Keeps blobs, tables, queues and documents in a PostgreSQL database.</summary>
/// <remarks>
/// <para>
/// Every store lives in the tables of one schema (<see cref="PostgresStorageOptions.Schema"/>), created and migrated on first use;
/// stores are rows keyed by their name, so any number of stores costs no DDL. Every write is one statement or one transaction, so a
/// failed write leaves nothing behind. Transient faults are retried by the reliability service's <c>storage:postgres</c> pipeline (by
/// default three times with exponential backoff and jitter, behind a circuit breaker), then surface as <see cref="StorageUnavailableException"/>.
/// </para>
/// <para>Queue times come from the injected <see cref="TimeProvider"/>; nodes sharing a database need clocks in step. Thread-safe.</para>
/// </remarks>
public sealed class PostgresStorageProvider : IStorageProvider, IStorageHealth, IAsyncDisposable
{
    /// <summary>Gets how many rows one statement of a store's deletion removes.</summary>
    internal const int DeletionBatch = 1000;

    private readonly PostgresDatabase _database;
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new instance of the <see cref="PostgresStorageProvider"/> class. Does no I/O.</summary>
    /// <param name="options">The connection string and schema.</param>
    /// <param name="timeProvider">The clock of queue visibility and of timestamps; <see langword="null"/> for the system clock.</param>
    /// <param name="logger">The logger of migrations and retries; <see langword="null"/> for none.</param>
    /// <param name="pipelines">The reliability service's pipelines, whose <c>storage:postgres</c> pipeline retries and breaks; <see langword="null"/> for one of this provider's own on the defaults.</param>
    /// <exception cref="ArgumentException">The options are not valid; the message names the option.</exception>
    public PostgresStorageProvider(PostgresStorageOptions options, TimeProvider? timeProvider = null, ILogger<PostgresStorageProvider>? logger = null, Aos.Reliability.DependencyPipelines? pipelines = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _timeProvider = timeProvider ?? TimeProvider.System;
        _database = new PostgresDatabase(options, (ILogger?)logger ?? NullLogger.Instance, pipelines);
    }

    /// <inheritdoc />
    public string Name => "postgres";

    /// <inheritdoc />
    public IBlobStore GetBlobStore(string name)
    {
        StorageNames.ValidateName(name);
        return new PostgresBlobStore(_database, name, _timeProvider);
    }

    /// <inheritdoc />
    public ITableStore GetTableStore(string name)
    {
        StorageNames.ValidateName(name);
        return new PostgresTableStore(_database, name, _timeProvider);
    }

    /// <inheritdoc />
    public IQueueStore GetQueueStore(string name, QueueStoreOptions? options = null)
    {
        StorageNames.ValidateName(name);
        var maxDequeueCount = options?.MaxDequeueCount ?? new QueueStoreOptions().MaxDequeueCount;
        if (maxDequeueCount < 1)
        {
            throw new AosValidationException($"MaxDequeueCount is {maxDequeueCount}; a message must be receivable at least once.") { Field = nameof(QueueStoreOptions.MaxDequeueCount) };
        }

        return new PostgresQueueStore(_database, name, maxDequeueCount, _timeProvider);
    }

    /// <inheritdoc />
    public IDocumentStore GetDocumentStore(string name)
    {
        StorageNames.ValidateName(name);
        return new PostgresDocumentStore(_database, name, _timeProvider);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Rows go in statements of <see cref="DeletionBatch"/> rows (a blob's content chunks in statements of 100), each its own transaction,
    /// so a large store holds no long transaction; a deletion cut short leaves a smaller store, which deleting it again finishes. A blob's
    /// row goes before its content, so a reader never finds an object without its content.
    /// </remarks>
    public async ValueTask DeleteStoreAsync(StoreKind kind, string name, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateName(name);
        var (component, tables) = kind switch
        {
            StoreKind.Blob => (PostgresMigrations.Blobs, new[] { ("blobs", string.Empty, DeletionBatch), ("blob_chunks", string.Empty, 100) }),
            StoreKind.Table => (PostgresMigrations.Tables, new[] { ("table_entities", string.Empty, DeletionBatch) }),

            // Each half of the queue has its own partial index on the store.
            StoreKind.Queue => (PostgresMigrations.Queues, new[] { ("queue_messages", " AND dead_at IS NULL", DeletionBatch), ("queue_messages", " AND dead_at IS NOT NULL", DeletionBatch) }),
            StoreKind.Document => (PostgresMigrations.Documents, new[] { ("documents", string.Empty, DeletionBatch) }),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Name a blob, table, queue or document store."),
        };
        foreach (var (table, condition, batch) in tables)
        {
            var sql = $"DELETE FROM {_database.Schema}.{table} WHERE ctid IN (SELECT ctid FROM {_database.Schema}.{table} WHERE store = $1{condition} LIMIT {batch})";
            int removed;
            do
            {
                removed = await _database.ExecuteAsync(component, async (connection, token) => await connection.ExecuteAsync(sql, token, name), cancellationToken).ConfigureAwait(false);
            }
            while (removed >= batch);
        }
    }

    /// <inheritdoc />
    public async ValueTask CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new Npgsql.NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && _database.Translate(ex) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>Closes the connection pool.</summary>
    /// <returns>A task that completes when the pool is closed.</returns>
    public ValueTask DisposeAsync() => _database.DisposeAsync();
}

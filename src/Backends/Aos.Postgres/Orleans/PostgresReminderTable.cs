using Aos.Postgres.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Orleans.Runtime;

namespace Aos.Postgres.Orleans;

/// <summary>Stores Orleans reminders in PostgreSQL, one row per service, grain and reminder name.</summary>
/// <remarks>
/// A reminder's ETag is drawn from a sequence: every upsert gets a new one and none is ever reused, even after the reminder is removed
/// and registered again, so a remove with a stale ETag never deletes a newer registration. Start times are stored as <c>timestamptz</c>
/// (microsecond precision) and read back in UTC; a start time of unspecified kind is taken as UTC. A server that cannot be reached
/// after three attempts surfaces as <see cref="Aos.Storage.StorageUnavailableException"/>. Thread-safe.
/// </remarks>
public sealed partial class PostgresReminderTable : IReminderTable, IAsyncDisposable
{
    private readonly string _serviceId;
    private readonly PostgresDatabase _database;

    /// <summary>Initializes a new instance of the <see cref="PostgresReminderTable"/> class. Does no I/O.</summary>
    /// <param name="serviceId">The cluster's service id (<c>ClusterOptions.ServiceId</c>); clusters with different ids never see each other's reminders.</param>
    /// <param name="storageOptions">The connection string and schema.</param>
    /// <param name="logger">The logger of migrations and retries, or <see langword="null"/> for none.</param>
    /// <param name="pipelines">The reliability service's pipelines (<c>storage:postgres</c>); <see langword="null"/> for its own on the defaults.</param>
    /// <exception cref="ArgumentException">An option is missing or not valid; the message names it.</exception>
    public PostgresReminderTable(string serviceId, PostgresStorageOptions storageOptions, ILogger<PostgresReminderTable>? logger = null, Aos.Reliability.DependencyPipelines? pipelines = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceId);
        ArgumentNullException.ThrowIfNull(storageOptions);
        var problems = storageOptions.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Reminder table: {string.Join(" ", problems)}", nameof(storageOptions));
        }

        _serviceId = serviceId;
        _database = new PostgresDatabase(storageOptions, (ILogger?)logger ?? NullLogger.Instance, pipelines);
    }

    /// <inheritdoc />
    /// <exception cref="Aos.Storage.StorageUnavailableException">The server could not be used.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default) =>
        await _database.RunAsync(PostgresOrleansMigrations.Reminders, static _ => ValueTask.FromResult(true), cancellationToken);

    /// <inheritdoc />
    public Task Init() => StartAsync(CancellationToken.None);

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(GrainId grainId) => ReadRows(grainId, CancellationToken.None);

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(uint begin, uint end) => ReadRows(begin, end, CancellationToken.None);

    /// <inheritdoc />
    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => ReadRow(grainId, reminderName, CancellationToken.None);

    /// <inheritdoc />
    public Task<string?> UpsertRow(ReminderEntry entry) => UpsertRow(entry, CancellationToken.None);

    /// <inheritdoc />
    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) => RemoveRow(grainId, reminderName, eTag, CancellationToken.None);

    /// <inheritdoc />
    public Task TestOnlyClearTable() => TestOnlyClearTable(CancellationToken.None);

    /// <summary>Closes the table's connection pool.</summary>
    /// <returns>A task that completes when the pool is closed.</returns>
    public ValueTask DisposeAsync() => _database.DisposeAsync();
}

using System.Globalization;
using Aos.Postgres.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace Aos.Postgres.Orleans;

/// <summary>
/// Stores Orleans grain state in PostgreSQL, one row per service, provider, state name and grain, with optimistic concurrency.
/// </summary>
/// <remarks>
/// <para>
/// The ETag is the row's version, an integer that grows with every write and clear, so a stale activation cannot overwrite newer state: a write or clear with an ETag that is not the stored one throws
/// <see cref="InconsistentStateException"/>, and so does a write with no ETag when a row exists. Each write is one statement that checks
/// the version and changes the row, so two silos racing on one grain cannot both win.
/// </para>
/// <para>
/// Clearing keeps the row with no data and a new version: afterwards <see cref="IGrainState{T}.RecordExists"/> is
/// <see langword="false"/> and the new ETag must be used for the next write. Once it has been cleared longer than
/// <see cref="PostgresGrainStorageOptions.ClearedStateRetention"/> (7 days), a silo's hourly sweep deletes the row and the grain starts
/// again from no record; only an activation that held an ETag from before the clear for all that time could then have it matched by
/// the new record's version, and Orleans deactivates an idle grain long before. A stored state that cannot be deserialized makes the read
/// throw <see cref="AosException"/>, so the grain fails to activate rather than run on empty state. A server that cannot be reached
/// after three attempts surfaces as <see cref="Aos.Storage.StorageUnavailableException"/>. The table is created (and migrated) in the
/// configured schema when the silo starts.
/// </para>
/// </remarks>
public sealed partial class PostgresGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    private readonly string _name;
    private readonly string _serviceId;
    private readonly PostgresDatabase _database;
    private readonly IGrainStorageSerializer _serializer;
    private readonly ILogger _logger;
    private readonly TimeSpan? _clearedStateRetention;
    private readonly TimeSpan _sweepInterval;
    private readonly TimeProvider _timeProvider;
    private ITimer? _sweepTimer;

    /// <summary>Initializes a new instance of the <see cref="PostgresGrainStorage"/> class. Does no I/O.</summary>
    /// <param name="name">The provider's name; state stored by differently named providers never mixes.</param>
    /// <param name="serviceId">The cluster's service id (<c>ClusterOptions.ServiceId</c>); clusters with different ids never see each other's state.</param>
    /// <param name="storageOptions">The connection string and schema.</param>
    /// <param name="options">The provider options; <see cref="PostgresGrainStorageOptions.GrainStorageSerializer"/> is required.</param>
    /// <param name="logger">The logger, or <see langword="null"/> for none.</param>
    /// <param name="pipelines">The reliability service's pipelines (<c>storage:postgres</c>); <see langword="null"/> for its own on the defaults.</param>
    /// <param name="timeProvider">The clock of the sweep of cleared states' rows; <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentException">An option is missing or not valid; the message names it.</exception>
    public PostgresGrainStorage(
        string name,
        string serviceId,
        PostgresStorageOptions storageOptions,
        PostgresGrainStorageOptions options,
        ILogger<PostgresGrainStorage>? logger = null,
        Aos.Reliability.DependencyPipelines? pipelines = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(serviceId);
        ArgumentNullException.ThrowIfNull(storageOptions);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ClearedStateRetention < TimeSpan.FromHours(1) || options.ClearedStateSweepInterval < TimeSpan.FromMinutes(1))
        {
            throw new ArgumentException(
                $"Grain storage '{name}': {nameof(PostgresGrainStorageOptions.ClearedStateRetention)} must be at least 01:00:00 (or unset, to keep cleared states' rows) "
                + $"and {nameof(PostgresGrainStorageOptions.ClearedStateSweepInterval)} at least 00:01:00; they are {options.ClearedStateRetention?.ToString() ?? "unset"} and {options.ClearedStateSweepInterval}.",
                nameof(options));
        }

        _clearedStateRetention = options.ClearedStateRetention;
        _sweepInterval = options.ClearedStateSweepInterval;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _serializer = options.GrainStorageSerializer ?? throw new ArgumentException(
            $"{nameof(PostgresGrainStorageOptions)}.{nameof(PostgresGrainStorageOptions.GrainStorageSerializer)} is required for grain storage '{name}'.", nameof(options));
        var problems = storageOptions.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Grain storage '{name}': {string.Join(" ", problems)}", nameof(storageOptions));
        }

        _name = name;
        _serviceId = serviceId;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _database = new PostgresDatabase(storageOptions, _logger, pipelines);
    }

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <summary>Creates or migrates the grain state table before the silo activates grains, so a bad server stops the silo at start.</summary>
    /// <param name="lifecycle">The silo lifecycle.</param>
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe($"{nameof(PostgresGrainStorage)}-{_name}", ServiceLifecycleStage.RuntimeStorageServices, ct => StartAsync(ct).AsTask());
        if (_clearedStateRetention is not null)
        {
            lifecycle.Subscribe(
                $"{nameof(PostgresGrainStorage)}-{_name}-sweep",
                ServiceLifecycleStage.Active,
                _ =>
                {
                    _sweepTimer = _timeProvider.CreateTimer(_ => _ = SweepAsync(), null, _sweepInterval, _sweepInterval);
                    return Task.CompletedTask;
                },
                _ =>
                {
                    _sweepTimer?.Dispose();
                    return Task.CompletedTask;
                });
        }
    }

    /// <summary>
    /// Deletes the version-only rows of states this provider cleared more than <see cref="PostgresGrainStorageOptions.ClearedStateRetention"/>
    /// ago by the server's clock, in statements of 1,000 rows; any silo of the cluster may run it.
    /// </summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>How many rows were deleted; 0 when the retention is unset.</returns>
    public async ValueTask<long> SweepClearedStatesAsync(CancellationToken cancellationToken = default)
    {
        if (_clearedStateRetention is not { } retention)
        {
            return 0;
        }

        var table = $"{_database.Schema}.orleans_grain_state";
        var sql = $"DELETE FROM {table} WHERE ctid IN (SELECT ctid FROM {table} WHERE data IS NULL AND modified_at < now() - $3 AND service_id = $1 AND provider = $2 LIMIT 1000)";
        long total = 0;
        int removed;
        do
        {
            removed = await _database.ExecuteAsync(PostgresOrleansMigrations.GrainState, async (connection, token) => await connection.ExecuteAsync(sql, token, _serviceId, _name, retention), cancellationToken);
            total += removed;
        }
        while (removed >= 1000);

        return total;
    }

    /// <summary>Creates or migrates the grain state table, if that was not done yet.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the table is ready.</returns>
    /// <exception cref="Aos.Storage.StorageUnavailableException">The server could not be used.</exception>
    public async ValueTask StartAsync(CancellationToken cancellationToken = default) =>
        await _database.RunAsync(PostgresOrleansMigrations.GrainState, static _ => ValueTask.FromResult(true), cancellationToken);

    /// <summary>Closes the provider's connection pool.</summary>
    /// <returns>A task that completes when the pool is closed.</returns>
    public ValueTask DisposeAsync()
    {
        _sweepTimer?.Dispose();
        return _database.DisposeAsync();
    }

    private async Task SweepAsync()
    {
        try
        {
            if (await SweepClearedStatesAsync() is > 0 and var removed)
            {
                Log.ClearedStatesSwept(_logger, removed, _name, _clearedStateRetention!.Value);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.ClearedStateSweepFailed(_logger, ex, _name);
        }
    }

    private static string? FormatETag(long? version) => version?.ToString(CultureInfo.InvariantCulture);

    private static bool TryParseETag(string? etag, out long? version)
    {
        version = null;
        if (etag is null)
        {
            return true;
        }

        if (long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            version = parsed;
            return true;
        }

        return false;
    }

    private InconsistentStateException Conflict(string action, string stateName, GrainId grainId, long? stored, string? expected) =>
        new(
            $"Cannot {action} state '{stateName}' of grain {grainId} in grain storage '{_name}': the stored ETag is {FormatETag(stored) ?? "none"} " +
            $"but the grain holds {expected ?? "none"}. Another activation changed the state; reactivate the grain to read it.",
            FormatETag(stored),
            expected);
}

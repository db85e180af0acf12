using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace Aos.Storage.Sqlite;

/// <summary>
/// Stores Orleans grain state in the embedded SQLite database, one row per provider, state name and grain, with optimistic concurrency.
/// </summary>
/// <remarks>
/// <para>
/// The ETag is the row's version, an integer that grows with every write and clear, so a stale activation cannot overwrite newer state: a write or clear with an ETag that is not the stored one throws
/// <see cref="InconsistentStateException"/>, and so does a write with no ETag when a row exists.
/// </para>
/// <para>
/// Clearing keeps the row with no data and a new version: afterwards <see cref="IGrainState{T}.RecordExists"/> is
/// <see langword="false"/> and the new ETag must be used for the next write. Once it has been cleared longer than
/// <see cref="SqliteGrainStorageOptions.ClearedStateRetention"/> (7 days), the silo's hourly sweep deletes the row and the grain
/// starts again from no record; only an activation that held an ETag from before the clear for all that time could then have it
/// matched by the new record's version, and Orleans deactivates an idle grain long before. A stored state that cannot be deserialized makes
/// <see cref="ReadStateAsync{T}(string, GrainId, IGrainState{T})"/> throw, so the grain fails to activate rather than run on empty state.
/// </para>
/// </remarks>
public sealed partial class SqliteGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private const int SweepBatch = 1000;
    private static readonly TimeSpan MinimumClearedStateRetention = TimeSpan.FromHours(1);
    private static readonly TimeSpan MinimumSweepInterval = TimeSpan.FromMinutes(1);

    private readonly string _name;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan? _clearedStateRetention;
    private readonly TimeSpan _sweepInterval;
    private ITimer? _sweepTimer;
    private readonly SchemaGate _schema;
    private readonly SchemaGate _journalSchema;
    private readonly SchemaGate _processedSchema;
    private readonly SchemaGate _outboxSchema;
    private readonly IGrainStorageSerializer _serializer;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="SqliteGrainStorage"/> class.</summary>
    /// <param name="name">The provider's name; state stored by differently named providers never mixes.</param>
    /// <param name="database">The database that holds the state.</param>
    /// <param name="options">The provider options; <see cref="SqliteGrainStorageOptions.GrainStorageSerializer"/> is required.</param>
    /// <param name="logger">The logger, or <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock of clears and of the sweep of their rows; <see langword="null"/> for the system clock.</param>
    public SqliteGrainStorage(string name, SqliteDatabase database, SqliteGrainStorageOptions options, ILogger<SqliteGrainStorage>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ClearedStateRetention < MinimumClearedStateRetention || options.ClearedStateSweepInterval < MinimumSweepInterval)
        {
            throw new ArgumentException(
                $"Grain storage '{name}': {nameof(SqliteGrainStorageOptions.ClearedStateRetention)} must be at least {MinimumClearedStateRetention} (or unset, to keep cleared states' rows) "
                + $"and {nameof(SqliteGrainStorageOptions.ClearedStateSweepInterval)} at least {MinimumSweepInterval}; they are {options.ClearedStateRetention?.ToString() ?? "unset"} and {options.ClearedStateSweepInterval}.",
                nameof(options));
        }

        _timeProvider = timeProvider ?? TimeProvider.System;
        _clearedStateRetention = options.ClearedStateRetention;
        _sweepInterval = options.ClearedStateSweepInterval;
        _serializer = options.GrainStorageSerializer ?? throw new ArgumentException(
            $"{nameof(SqliteGrainStorageOptions)}.{nameof(SqliteGrainStorageOptions.GrainStorageSerializer)} is required for grain storage '{name}'.", nameof(options));
        _name = name;
        _schema = new SchemaGate(database, "orleans.grain_state", Migrations);
        _journalSchema = new SchemaGate(database, SqliteAgentJournal.SchemaComponent, SqliteAgentJournal.Migrations);
        _processedSchema = new SchemaGate(database, Messaging.SqliteProcessedMessageLog.SchemaComponent, Messaging.SqliteProcessedMessageLog.Migrations);
        _outboxSchema = new SchemaGate(database, Messaging.SqliteAgentOutbox.SchemaComponent, Messaging.SqliteAgentOutbox.Migrations);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the database the provider stores state in.</summary>
    internal SqliteDatabase Database => _schema.Database;

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <summary>Creates the grain state table before the silo activates grains, so a bad data directory stops the silo at start.</summary>
    /// <param name="lifecycle">The silo lifecycle.</param>
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe($"{nameof(SqliteGrainStorage)}-{_name}", ServiceLifecycleStage.RuntimeStorageServices, ct => _schema.WaitAsync(ct).AsTask());
        if (_clearedStateRetention is not null)
        {
            lifecycle.Subscribe($"{nameof(SqliteGrainStorage)}-{_name}-sweep", ServiceLifecycleStage.Active, StartSweeping, StopSweeping);
        }
    }

    private Task StartSweeping(CancellationToken cancellationToken)
    {
        _sweepTimer = _timeProvider.CreateTimer(_ => _ = SweepAsync(), null, _sweepInterval, _sweepInterval);
        return Task.CompletedTask;
    }

    private Task StopSweeping(CancellationToken cancellationToken)
    {
        _sweepTimer?.Dispose();
        return Task.CompletedTask;
    }

    private async Task SweepAsync()
    {
        try
        {
            if (await SweepClearedStatesAsync().ConfigureAwait(false) is > 0 and var removed)
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

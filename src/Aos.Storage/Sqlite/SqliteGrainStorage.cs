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
/// The ETag is the row's version, an integer that grows with every write and clear and is never reused for a grain, so a stale
/// activation can never overwrite newer state: a write or clear with an ETag that is not the stored one throws
/// <see cref="InconsistentStateException"/>, and so does a write with no ETag when a row exists.
/// </para>
/// <para>
/// Clearing keeps the row with no data and a new version: afterwards <see cref="IGrainState{T}.RecordExists"/> is
/// <see langword="false"/> and the new ETag must be used for the next write. A stored state that cannot be deserialized makes
/// <see cref="ReadStateAsync{T}(string, GrainId, IGrainState{T})"/> throw, so the grain fails to activate rather than run on empty state.
/// </para>
/// </remarks>
public sealed partial class SqliteGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly string _name;
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
    public SqliteGrainStorage(string name, SqliteDatabase database, SqliteGrainStorageOptions options, ILogger<SqliteGrainStorage>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
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

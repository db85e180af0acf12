using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace Aos.Storage.Sqlite;

public sealed partial class SqliteGrainStorage
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE grain_state (
            provider   TEXT    NOT NULL,
            state_name TEXT    NOT NULL,
            grain_id   TEXT    NOT NULL,
            version    INTEGER NOT NULL,
            data       BLOB,
            PRIMARY KEY (provider, state_name, grain_id));
        """,

        // When a state was cleared (Unix ms), so that its version-only row can be swept once no activation can hold its ETag;
        // rows cleared before this version count from now.
        """
        ALTER TABLE grain_state ADD COLUMN cleared_at INTEGER;
        UPDATE grain_state SET cleared_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000 WHERE data IS NULL;
        CREATE INDEX ix_grain_state_cleared ON grain_state (cleared_at) WHERE data IS NULL;
        """,
    ];

    private const string SelectSql = "SELECT version, data FROM grain_state WHERE provider = $p AND state_name = $s AND grain_id = $g;";
    private const string VersionSql = "SELECT version FROM grain_state WHERE provider = $p AND state_name = $s AND grain_id = $g;";
    private const string InsertSql = "INSERT INTO grain_state (provider, state_name, grain_id, version, data) VALUES ($p, $s, $g, 1, $d);";
    private const string UpdateSql = "UPDATE grain_state SET version = version + 1, data = $d, cleared_at = $c WHERE provider = $p AND state_name = $s AND grain_id = $g AND version = $v;";
    private const string SweepSql =
        "DELETE FROM grain_state WHERE rowid IN (SELECT rowid FROM grain_state WHERE data IS NULL AND cleared_at < $before AND provider = $p LIMIT $n);";

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        var key = (Provider: _name, State: stateName, Grain: grainId.ToString());
        var (version, data) = await _schema.Database.ReadAsync(key, static (connection, key) =>
        {
            var command = SqliteCommandCache.Get(connection, SelectSql, "$p", "$s", "$g");
            command.Parameters[0].Value = key.Provider;
            command.Parameters[1].Value = key.State;
            command.Parameters[2].Value = key.Grain;
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? ((long?)reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1))
                : (null, null);
        }, cancellationToken).ConfigureAwait(false);

        grainState.ETag = FormatETag(version);
        grainState.RecordExists = data is not null;
        if (data is null)
        {
            grainState.State = GrainStateDefaults<T>.Create();
            return;
        }

        T? state;
        try
        {
            state = _serializer.Deserialize<T>(BinaryData.FromBytes(data));
        }
        catch (Exception ex)
        {
            Log.CorruptGrainState(_logger, ex, _name, stateName, key.Grain);
            throw new AosException($"The stored state '{stateName}' of grain {grainId} in grain storage '{_name}' cannot be deserialized; the grain cannot be activated until it is repaired or cleared.", ex);
        }

        grainState.State = state ?? GrainStateDefaults<T>.Create();
    }

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var etag = grainState.ETag;
        if (!TryParseETag(etag, out var expected))
        {
            throw Conflict("write", stateName, grainId, null, etag);
        }

        var data = ToArray(_serializer.Serialize(grainState.State));
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        var key = (Provider: _name, State: stateName, Grain: grainId.ToString());
        var (ok, version) = await _schema.Database.WriteReplayableAsync(connection => Write(connection, key, expected, data), cancellationToken).ConfigureAwait(false);
        if (!ok)
        {
            throw Conflict("write", stateName, grainId, version, etag);
        }

        grainState.ETag = FormatETag(version);
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var etag = grainState.ETag;
        if (!TryParseETag(etag, out var expected))
        {
            throw Conflict("clear", stateName, grainId, null, etag);
        }

        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        var key = (Provider: _name, State: stateName, Grain: grainId.ToString());
        var clearedAt = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var (ok, version) = await _schema.Database.WriteReplayableAsync(connection => Write(connection, key, expected, null, clearedAt), cancellationToken).ConfigureAwait(false);
        if (!ok)
        {
            throw Conflict("clear", stateName, grainId, version, etag);
        }

        grainState.ETag = FormatETag(version);
        grainState.RecordExists = false;
    }

    /// <summary>Writes (or, with no data, clears at <paramref name="clearedAt"/>) a row if its version is the expected one; returns the new version, or the stored one on a conflict.</summary>
    private static (bool Ok, long? Version) Write(SqliteConnection connection, (string Provider, string State, string Grain) key, long? expected, byte[]? data, long clearedAt = 0)
    {
        // The common case, a row at the expected version, is one statement; the version is read only to tell a conflict or a first write.
        if (expected is { } version && BindCleared(Bind(SqliteStatement.Get(connection, UpdateSql, "$p", "$s", "$g", "$d", "$v", "$c"), key).Bind(3, data).Bind(4, version), data, clearedAt).Execute() == 1)
        {
            return (true, version + 1);
        }

        var stored = Bind(SqliteStatement.Get(connection, VersionSql, "$p", "$s", "$g"), key).ExecuteInt64();
        if (stored != expected)
        {
            return (false, stored);
        }

        if (data is null)
        {
            return (true, null);
        }

        Bind(SqliteStatement.Get(connection, InsertSql, "$p", "$s", "$g", "$d"), key).Bind(3, data).Execute();
        return (true, 1);
    }

    private static SqliteStatement Bind(SqliteStatement statement, (string Provider, string State, string Grain) key) =>
        statement.Bind(0, key.Provider).Bind(1, key.State).Bind(2, key.Grain);

    private static SqliteStatement BindCleared(SqliteStatement statement, byte[]? data, long clearedAt) =>
        data is null ? statement.Bind(5, clearedAt) : statement.Bind(5, (string?)null);

    /// <summary>
    /// Deletes the version-only rows of states this provider cleared more than <see cref="SqliteGrainStorageOptions.ClearedStateRetention"/>
    /// ago, in writes of 1,000 rows.
    /// </summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>How many rows were deleted; 0 when the retention is unset.</returns>
    public async ValueTask<long> SweepClearedStatesAsync(CancellationToken cancellationToken = default)
    {
        if (_clearedStateRetention is not { } retention)
        {
            return 0;
        }

        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        var before = (_timeProvider.GetUtcNow() - retention).ToUnixTimeMilliseconds();
        long total = 0;
        int removed;
        do
        {
            removed = await _schema.Database.WriteAsync(
                connection => Bind(SqliteStatement.Get(connection, SweepSql, "$before", "$p", "$n"), before).Execute(),
                cancellationToken).ConfigureAwait(false);
            total += removed;
        }
        while (removed >= SweepBatch);

        return total;

        SqliteStatement Bind(SqliteStatement statement, long cutoff) => statement.Bind(0, cutoff).Bind(1, _name).Bind(2, SweepBatch);
    }

    private static byte[] ToArray(BinaryData data)
    {
        var memory = data.ToMemory();
        return MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();
    }
}

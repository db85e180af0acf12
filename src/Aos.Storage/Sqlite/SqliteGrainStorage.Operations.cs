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
    ];

    private const string SelectSql = "SELECT version, data FROM grain_state WHERE provider = $p AND state_name = $s AND grain_id = $g;";
    private const string VersionSql = "SELECT version FROM grain_state WHERE provider = $p AND state_name = $s AND grain_id = $g;";
    private const string InsertSql = "INSERT INTO grain_state (provider, state_name, grain_id, version, data) VALUES ($p, $s, $g, 1, $d);";
    private const string UpdateSql = "UPDATE grain_state SET version = version + 1, data = $d WHERE provider = $p AND state_name = $s AND grain_id = $g AND version = $v;";

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
        var (ok, version) = await _schema.Database.WriteReplayableAsync(connection => Write(connection, key, expected, null), cancellationToken).ConfigureAwait(false);
        if (!ok)
        {
            throw Conflict("clear", stateName, grainId, version, etag);
        }

        grainState.ETag = FormatETag(version);
        grainState.RecordExists = false;
    }

    /// <summary>Writes (or, with no data, clears) a row if its version is the expected one; returns the new version, or the stored one on a conflict.</summary>
    private static (bool Ok, long? Version) Write(SqliteConnection connection, (string Provider, string State, string Grain) key, long? expected, byte[]? data)
    {
        // The common case, a row at the expected version, is one statement; the version is read only to tell a conflict or a first write.
        if (expected is { } version && Bind(SqliteStatement.Get(connection, UpdateSql, "$p", "$s", "$g", "$d", "$v"), key).Bind(3, data).Bind(4, version).Execute() == 1)
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

    private static byte[] ToArray(BinaryData data)
    {
        var memory = data.ToMemory();
        return MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();
    }
}

using System.Runtime.InteropServices;
using Aos.Postgres.Storage;
using Orleans;
using Orleans.Runtime;

namespace Aos.Postgres.Orleans;

public sealed partial class PostgresGrainStorage
{
    private const string Key = "service_id = $1 AND provider = $2 AND state_name = $3 AND grain_id = $4";

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var grain = grainId.ToString();
        var sql = $"SELECT version, data FROM {_database.Schema}.orleans_grain_state WHERE {Key}";
        var (version, data) = await _database.ExecuteAsync(
            PostgresOrleansMigrations.GrainState,
            async (connection, token) =>
            {
                await using var command = connection.Command(sql, _serviceId, _name, stateName, grain);
                await using var reader = await command.ExecuteReaderAsync(token);
                return await reader.ReadAsync(token)
                    ? ((long?)reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1))
                    : (null, null);
            },
            cancellationToken);

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
            Log.CorruptGrainState(_logger, ex, _name, stateName, grain);
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
        var (ok, version) = await WriteAsync(stateName, grainId.ToString(), expected, data, cancellationToken);
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

        var (ok, version) = await WriteAsync(stateName, grainId.ToString(), expected, null, cancellationToken);
        if (!ok)
        {
            throw Conflict("clear", stateName, grainId, version, etag);
        }

        grainState.ETag = FormatETag(version);
        grainState.RecordExists = false;
    }

    /// <summary>Writes (or, with no data, clears) a row if its version is the expected one; returns the new version, or the stored one on a conflict.</summary>
    private ValueTask<(bool Ok, long? Version)> WriteAsync(string stateName, string grain, long? expected, byte[]? data, CancellationToken cancellationToken) =>
        _database.ExecuteAsync(
            PostgresOrleansMigrations.GrainState,
            (connection, token) => WriteRowAsync(connection, stateName, grain, expected, data, token),
            cancellationToken);

    /// <summary>Runs the conditional write of one row on a connection (in the caller's transaction, if any).</summary>
    private async ValueTask<(bool Ok, long? Version)> WriteRowAsync(Npgsql.NpgsqlConnection connection, string stateName, string grain, long? expected, byte[]? data, CancellationToken token)
    {
        var table = $"{_database.Schema}.orleans_grain_state";
        long? written;
        if (expected is { } version)
        {
            written = await connection.ScalarAsync<long?>(
                $"UPDATE {table} SET version = version + 1, data = $5, modified_at = now() WHERE {Key} AND version = $6 RETURNING version",
                token,
                _serviceId,
                _name,
                stateName,
                grain,
                data,
                version);
        }
        else if (data is not null)
        {
            written = await connection.ScalarAsync<long?>(
                $"INSERT INTO {table} (service_id, provider, state_name, grain_id, version, data) VALUES ($1, $2, $3, $4, 1, $5) ON CONFLICT DO NOTHING RETURNING version",
                token,
                _serviceId,
                _name,
                stateName,
                grain,
                data);
        }
        else
        {
            // Clearing what was never written: fine as long as nothing is stored.
            var stored = await connection.ScalarAsync<long?>($"SELECT version FROM {table} WHERE {Key}", token, _serviceId, _name, stateName, grain);
            return stored is null ? (true, null) : (false, stored);
        }

        return written is not null
            ? (true, written)
            : (false, await connection.ScalarAsync<long?>($"SELECT version FROM {table} WHERE {Key}", token, _serviceId, _name, stateName, grain));
    }

    private static byte[] ToArray(BinaryData data)
    {
        var memory = data.ToMemory();
        return MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();
    }
}

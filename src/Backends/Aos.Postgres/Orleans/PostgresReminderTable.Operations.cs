using System.Globalization;
using Aos.Postgres.Storage;
using Npgsql;
using Orleans;
using Orleans.Runtime;

namespace Aos.Postgres.Orleans;

public sealed partial class PostgresReminderTable
{
    private const string Columns = "grain_id, name, start_at, period, etag";

    /// <inheritdoc />
    public async Task<ReminderTableData> ReadRows(GrainId grainId, CancellationToken cancellationToken) =>
        new(await QueryAsync($"SELECT {Columns} FROM {_database.Schema}.orleans_reminders WHERE service_id = $1 AND grain_id = $2 ORDER BY name", cancellationToken, _serviceId, grainId.ToString()));

    /// <summary>Reads the reminders of the grains whose uniform hash is in the ring range (<paramref name="begin"/>, <paramref name="end"/>].</summary>
    /// <param name="begin">The exclusive lower bound.</param>
    /// <param name="end">The inclusive upper bound; when it is not above <paramref name="begin"/> the range wraps around the ring.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The reminders in the range.</returns>
    public async Task<ReminderTableData> ReadRows(uint begin, uint end, CancellationToken cancellationToken)
    {
        var range = begin < end ? "grain_hash > $2 AND grain_hash <= $3" : "(grain_hash > $2 OR grain_hash <= $3)";
        return new(await QueryAsync(
            $"SELECT {Columns} FROM {_database.Schema}.orleans_reminders WHERE service_id = $1 AND {range}", cancellationToken, _serviceId, (long)begin, (long)end));
    }

    /// <inheritdoc />
    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reminderName);
        var rows = await QueryAsync(
            $"SELECT {Columns} FROM {_database.Schema}.orleans_reminders WHERE service_id = $1 AND grain_id = $2 AND name = $3",
            cancellationToken,
            _serviceId,
            grainId.ToString(),
            reminderName);
        return rows.Count > 0 ? rows[0] : null;
    }

    /// <inheritdoc />
    public async Task<string?> UpsertRow(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(entry.ReminderName);
        var startAt = entry.StartAt.Kind switch
        {
            DateTimeKind.Local => entry.StartAt.ToUniversalTime(),
            DateTimeKind.Unspecified => DateTime.SpecifyKind(entry.StartAt, DateTimeKind.Utc),
            _ => entry.StartAt,
        };
        var table = $"{_database.Schema}.orleans_reminders";
        var sql = $"""
            INSERT INTO {table} (service_id, grain_id, name, grain_hash, start_at, period, etag)
            VALUES ($1, $2, $3, $4, $5, $6, nextval('{_database.Schema}.orleans_reminder_etags'))
            ON CONFLICT (service_id, grain_id, name) DO UPDATE
            SET grain_hash = excluded.grain_hash, start_at = excluded.start_at, period = excluded.period, etag = excluded.etag
            RETURNING etag
            """;
        var etag = await _database.ExecuteAsync(
            PostgresOrleansMigrations.Reminders,
            async (connection, token) => await connection.ScalarAsync<long>(
                sql, token, _serviceId, entry.GrainId.ToString(), entry.ReminderName, (long)entry.GrainId.GetUniformHashCode(), startAt, entry.Period),
            cancellationToken);
        return etag.ToString(CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reminderName);
        if (!long.TryParse(eTag, NumberStyles.None, CultureInfo.InvariantCulture, out var etag))
        {
            return false;
        }

        var sql = $"DELETE FROM {_database.Schema}.orleans_reminders WHERE service_id = $1 AND grain_id = $2 AND name = $3 AND etag = $4";
        return await _database.ExecuteAsync(
            PostgresOrleansMigrations.Reminders,
            async (connection, token) => await connection.ExecuteAsync(sql, token, _serviceId, grainId.ToString(), reminderName, etag) > 0,
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task TestOnlyClearTable(CancellationToken cancellationToken)
    {
        var sql = $"DELETE FROM {_database.Schema}.orleans_reminders WHERE service_id = $1";
        await _database.ExecuteAsync(
            PostgresOrleansMigrations.Reminders,
            async (connection, token) => await connection.ExecuteAsync(sql, token, _serviceId),
            cancellationToken);
    }

    private ValueTask<List<ReminderEntry>> QueryAsync(string sql, CancellationToken cancellationToken, params object?[] parameters) =>
        _database.ExecuteAsync(
            PostgresOrleansMigrations.Reminders,
            async (connection, token) =>
            {
                await using var command = connection.Command(sql, parameters);
                await using var reader = await command.ExecuteReaderAsync(token);
                var entries = new List<ReminderEntry>();
                while (await reader.ReadAsync(token))
                {
                    entries.Add(ReadEntry(reader));
                }

                return entries;
            },
            cancellationToken);

    private static ReminderEntry ReadEntry(NpgsqlDataReader reader) => new()
    {
        GrainId = GrainId.Parse(reader.GetString(0), CultureInfo.InvariantCulture),
        ReminderName = reader.GetString(1),
        StartAt = reader.GetFieldValue<DateTime>(2),
        Period = reader.GetFieldValue<TimeSpan>(3),
        ETag = reader.GetInt64(4).ToString(CultureInfo.InvariantCulture),
    };
}

using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Aos.Governance.Audit;

public sealed partial class SqliteAuditLog
{
    /// <inheritdoc/>
    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > AuditQuery.MaxLimit)
        {
            throw new ArgumentException($"AuditQuery.Limit must be between 1 and {AuditQuery.MaxLimit}; it is {query.Limit}.", nameof(query));
        }

        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder($"SELECT {EntryColumns} FROM audit_entries WHERE seq > $after");
        command.Parameters.AddWithValue("$after", query.After ?? 0);
        AddFilter(command, sql, "tenant", query.Tenant);
        AddFilter(command, sql, "actor", query.Actor);
        AddFilter(command, sql, "action", query.Action);
        AddFilter(command, sql, "resource", query.Resource);
        AddFilter(command, sql, "level", query.Level is { } level ? (int)level : null);
        AddFilter(command, sql, "time", query.From?.UtcTicks, ">=", "from");
        AddFilter(command, sql, "time", query.To?.UtcTicks, "<", "to");
        sql.Append(" ORDER BY seq LIMIT $limit");
        command.Parameters.AddWithValue("$limit", query.Limit + 1);
        command.CommandText = sql.ToString();
        var entries = new List<AuditEntry>(Math.Min(query.Limit, 128));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (entries.Count == query.Limit)
            {
                return new AuditPage(entries, entries[^1].Id);
            }

            entries.Add(ReadEntry(reader));
        }

        return new AuditPage(entries, null);
    }

    /// <inheritdoc/>
    public async Task ExportAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);

        // One read transaction: the checkpoints and the entries are the same snapshot.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var checkpoints = ReadCheckpoints(connection, long.MaxValue);
        await AuditJsonLines.WriteAsync(destination, checkpoints, ReadEntriesAsync(connection, long.MaxValue, cancellationToken), cancellationToken);
    }

    private static void AddFilter(SqliteCommand command, StringBuilder sql, string column, object? value, string op = "=", string? name = null)
    {
        if (value is null)
        {
            return;
        }

        name = "$" + (name ?? column);
        sql.Append(" AND ").Append(column).Append(' ').Append(op).Append(' ').Append(name);
        command.Parameters.AddWithValue(name, value);
    }

    private static AuditEntry ReadEntry(SqliteDataReader reader) => new(
        reader.GetInt64(0),
        new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetString(5),
        reader.GetString(6),
        (AuditLevel)reader.GetInt32(7),
        reader.GetString(8),
        Convert.ToHexStringLower(reader.GetFieldValue<byte[]>(9)),
        Convert.ToHexStringLower(reader.GetFieldValue<byte[]>(10)));

    private static async IAsyncEnumerable<AuditEntry> ReadEntriesAsync(
        SqliteConnection connection, long upTo, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {EntryColumns} FROM audit_entries WHERE seq <= $upTo ORDER BY seq";
        command.Parameters.AddWithValue("$upTo", upTo);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadEntry(reader);
        }
    }

    private static List<AuditCheckpoint> ReadCheckpoints(SqliteConnection connection, long upTo)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, hash, time, every, key_id, signature FROM audit_checkpoints WHERE seq <= $upTo ORDER BY seq";
        command.Parameters.AddWithValue("$upTo", upTo);
        using var reader = command.ExecuteReader();
        var checkpoints = new List<AuditCheckpoint>();
        while (reader.Read())
        {
            checkpoints.Add(ReadCheckpoint(reader));
        }

        return checkpoints;
    }

    private static AuditCheckpoint? ReadCheckpoint(SqliteConnection connection, long seq)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, hash, time, every, key_id, signature FROM audit_checkpoints WHERE seq = $seq";
        command.Parameters.AddWithValue("$seq", seq);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadCheckpoint(reader) : null;
    }

    private static AuditCheckpoint? ReadLastCheckpoint(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, hash, time, every, key_id, signature FROM audit_checkpoints ORDER BY seq DESC LIMIT 1";
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadCheckpoint(reader) : null;
    }

    private static AuditCheckpoint ReadCheckpoint(SqliteDataReader reader) => new(
        reader.GetInt64(0), reader.GetString(1), new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero), reader.GetInt32(3), reader.GetString(4), reader.GetString(5));
}

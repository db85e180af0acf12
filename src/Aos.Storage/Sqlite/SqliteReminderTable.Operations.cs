using System.Globalization;
using Orleans;
using Orleans.Runtime;

namespace Aos.Storage.Sqlite;

public sealed partial class SqliteReminderTable
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE reminders (
            etag       INTEGER PRIMARY KEY AUTOINCREMENT,
            grain_id   TEXT    NOT NULL,
            name       TEXT    NOT NULL,
            grain_hash INTEGER NOT NULL,
            start_at   INTEGER NOT NULL,
            period     INTEGER NOT NULL,
            UNIQUE (grain_id, name));
        CREATE INDEX ix_reminders_hash ON reminders (grain_hash);
        """,
    ];

    private const string Columns = "grain_id, name, start_at, period, etag";
    private const string ByGrainSql = $"SELECT {Columns} FROM reminders WHERE grain_id = $g ORDER BY name;";
    private const string ByNameSql = $"SELECT {Columns} FROM reminders WHERE grain_id = $g AND name = $n;";
    private const string InRangeSql = $"SELECT {Columns} FROM reminders WHERE grain_hash > $b AND grain_hash <= $e;";
    private const string OutsideRangeSql = $"SELECT {Columns} FROM reminders WHERE grain_hash > $b OR grain_hash <= $e;";
    private const string UpsertSql =
        "INSERT OR REPLACE INTO reminders (grain_id, name, grain_hash, start_at, period) VALUES ($g, $n, $h, $s, $p) RETURNING etag;";
    private const string RemoveSql = "DELETE FROM reminders WHERE grain_id = $g AND name = $n AND etag = $t;";

    /// <inheritdoc />
    public async Task<ReminderTableData> ReadRows(GrainId grainId, CancellationToken cancellationToken)
    {
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        var entries = await _schema.Database.ReadAsync(grainId.ToString(), static (connection, grain) =>
        {
            var command = SqliteCommandCache.Get(connection, ByGrainSql, "$g");
            command.Parameters[0].Value = grain;
            return ReadEntries(command);
        }, cancellationToken).ConfigureAwait(false);
        return new ReminderTableData(entries);
    }

    /// <summary>Reads the reminders of the grains whose uniform hash is in the ring range (<paramref name="begin"/>, <paramref name="end"/>].</summary>
    /// <param name="begin">The exclusive lower bound.</param>
    /// <param name="end">The inclusive upper bound; when it is not above <paramref name="begin"/> the range wraps around the ring.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The reminders in the range.</returns>
    public async Task<ReminderTableData> ReadRows(uint begin, uint end, CancellationToken cancellationToken)
    {
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        var entries = await _schema.Database.ReadAsync((begin, end), static (connection, range) =>
        {
            var command = SqliteCommandCache.Get(connection, range.begin < range.end ? InRangeSql : OutsideRangeSql, "$b", "$e");
            command.Parameters[0].Value = (long)range.begin;
            command.Parameters[1].Value = (long)range.end;
            return ReadEntries(command);
        }, cancellationToken).ConfigureAwait(false);
        return new ReminderTableData(entries);
    }

    /// <inheritdoc />
    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reminderName);
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await _schema.Database.ReadAsync((Grain: grainId.ToString(), Name: reminderName), static (connection, key) =>
        {
            var command = SqliteCommandCache.Get(connection, ByNameSql, "$g", "$n");
            command.Parameters[0].Value = key.Grain;
            command.Parameters[1].Value = key.Name;
            using var reader = command.ExecuteReader();
            return reader.Read() ? ReadEntry(reader) : null;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<string?> UpsertRow(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(entry.ReminderName);
        var grain = entry.GrainId.ToString();
        var hash = (long)entry.GrainId.GetUniformHashCode();
        var startAt = (entry.StartAt.Kind == DateTimeKind.Local ? entry.StartAt.ToUniversalTime() : entry.StartAt).Ticks;
        var period = entry.Period.Ticks;
        var name = entry.ReminderName;
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        var etag = await _schema.Database.WriteAsync(connection =>
        {
            var command = SqliteCommandCache.Get(connection, UpsertSql, "$g", "$n", "$h", "$s", "$p");
            command.Parameters[0].Value = grain;
            command.Parameters[1].Value = name;
            command.Parameters[2].Value = hash;
            command.Parameters[3].Value = startAt;
            command.Parameters[4].Value = period;
            return (long)command.ExecuteScalar()!;
        }, cancellationToken).ConfigureAwait(false);
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

        var grain = grainId.ToString();
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await _schema.Database.WriteAsync(connection =>
        {
            var command = SqliteCommandCache.Get(connection, RemoveSql, "$g", "$n", "$t");
            command.Parameters[0].Value = grain;
            command.Parameters[1].Value = reminderName;
            command.Parameters[2].Value = etag;
            return command.ExecuteNonQuery() > 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task TestOnlyClearTable(CancellationToken cancellationToken)
    {
        await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _schema.Database.WriteAsync(static connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM reminders;";
            return command.ExecuteNonQuery();
        }, cancellationToken).ConfigureAwait(false);
    }
}

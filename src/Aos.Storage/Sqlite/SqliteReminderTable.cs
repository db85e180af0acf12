using System.Globalization;
using Microsoft.Data.Sqlite;
using Orleans;
using Orleans.Runtime;

namespace Aos.Storage.Sqlite;

/// <summary>Stores Orleans reminders in the embedded SQLite database.</summary>
/// <remarks>
/// A reminder's ETag is its row id, drawn from an <c>AUTOINCREMENT</c> sequence: every upsert gets a new one and none is ever reused,
/// even after the reminder is removed and registered again, so a remove with a stale ETag never deletes a newer registration.
/// </remarks>
public sealed partial class SqliteReminderTable : IReminderTable
{
    private readonly SchemaGate _schema;

    /// <summary>Initializes a new instance of the <see cref="SqliteReminderTable"/> class.</summary>
    /// <param name="database">The database that holds the reminders.</param>
    public SqliteReminderTable(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _schema = new SchemaGate(database, "orleans.reminders", Migrations);
    }

    /// <summary>Gets the database the table stores reminders in.</summary>
    internal SqliteDatabase Database => _schema.Database;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken = default) => _schema.WaitAsync(cancellationToken).AsTask();

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

    private static ReminderEntry ReadEntry(SqliteDataReader reader) => new()
    {
        GrainId = GrainId.Parse(reader.GetString(0), CultureInfo.InvariantCulture),
        ReminderName = reader.GetString(1),
        StartAt = new DateTime(reader.GetInt64(2), DateTimeKind.Utc),
        Period = new TimeSpan(reader.GetInt64(3)),
        ETag = reader.GetInt64(4).ToString(CultureInfo.InvariantCulture),
    };

    private static List<ReminderEntry> ReadEntries(SqliteCommand command)
    {
        var entries = new List<ReminderEntry>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            entries.Add(ReadEntry(reader));
        }

        return entries;
    }
}

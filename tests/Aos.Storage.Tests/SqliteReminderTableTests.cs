using Aos.Conformance;
using Aos.Storage.Sqlite;
using Orleans;

namespace Aos.Storage.Tests;

public sealed class SqliteReminderTableTests : ReminderTableConformanceTests
{
    private readonly TempDirectory _directory = new();
    private SqliteDatabase? _database;

    protected override async ValueTask<IReminderTable> CreateTableAsync()
    {
        _database = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = _directory.Path });
        var table = new SqliteReminderTable(_database);
        await table.StartAsync(Ct);
        return table;
    }

    protected override async ValueTask<IReminderTable> RestartTableAsync()
    {
        await _database!.DisposeAsync();
        return await CreateTableAsync();
    }

    protected override async ValueTask DisposeTableAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        _directory.Dispose();
    }
}

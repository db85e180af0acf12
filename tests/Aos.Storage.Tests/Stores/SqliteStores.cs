using Aos.Storage.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Storage.Tests.Stores;

/// <summary>Opens the embedded storage provider on a fresh database in a temporary directory, for the conformance kit.</summary>
internal sealed class SqliteStores : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private SqliteDatabase? _database;

    public string DataDirectory => _directory.Path;

    public SqliteStorageProvider Open(FakeTimeProvider time)
    {
        _database = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = _directory.Path });
        return new SqliteStorageProvider(_database, time);
    }

    public async ValueTask CloseAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
            _database = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        _directory.Dispose();
    }
}

using Aos.Storage;
using Aos.Storage.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Governance.Tests;

/// <summary>Opens a real embedded SQLite store in a temporary directory, with a fake clock, and deletes it after the test.</summary>
internal sealed class SqliteGovernanceStore : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "aos-governance-" + Guid.NewGuid().ToString("N"));
    private readonly SqliteDatabase _database;

    public SqliteGovernanceStore()
    {
        _database = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = _directory });
        Catalog = new StorageCatalog([new SqliteStorageProvider(_database, Time)], Options.Create(new StorageOptions()));
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    public StorageCatalog Catalog { get; }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}

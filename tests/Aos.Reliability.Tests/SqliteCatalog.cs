using Aos.Storage;
using Aos.Storage.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Reliability.Tests;

/// <summary>Opens a real embedded SQLite catalog in a temporary directory, with a fake clock, and deletes it after the test.</summary>
internal sealed class SqliteCatalog : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "aos-reliability-" + Guid.NewGuid().ToString("N"));
    private readonly SqliteDatabase _database;

    public SqliteCatalog()
    {
        _database = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = _directory });
        Catalog = new StorageCatalog([new SqliteStorageProvider(_database, Time)], Options.Create(new StorageOptions()));
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    public StorageCatalog Catalog { get; }

    public DocumentIdempotencyStore CreateStore() => new(Catalog, Options.Create(new ReliabilityOptions()), Time);

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}

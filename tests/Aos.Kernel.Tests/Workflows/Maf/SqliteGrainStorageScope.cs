using Aos.Kernel.Tests.Support;
using Aos.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace Aos.Kernel.Tests.Workflows.Maf;

/// <summary>The AOS grain storage on a temporary SQLite database, which can be closed and opened again on the same data, as a silo restart does.</summary>
internal sealed class SqliteGrainStorageScope : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly ServiceProvider _serializer = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private SqliteDatabase _database;

    public SqliteGrainStorageScope()
    {
        _database = Open();
        Storage = Create();
    }

    public IGrainStorage Storage { get; private set; }

    /// <summary>Closes the database and opens a new storage on the same file.</summary>
    public async ValueTask<IGrainStorage> RestartAsync()
    {
        await _database.DisposeAsync();
        _database = Open();
        Storage = Create();
        return Storage;
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        await _serializer.DisposeAsync();
        _directory.Dispose();
    }

    private SqliteDatabase Open() => new(new SqliteStorageOptions { DataDirectory = _directory.Path });

    private SqliteGrainStorage Create() => new(
        AosStorageNames.GrainStorage,
        _database,
        new SqliteGrainStorageOptions { GrainStorageSerializer = new OrleansGrainStorageSerializer(_serializer.GetRequiredService<Serializer>()) });
}

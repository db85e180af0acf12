using Aos.Storage.Sqlite;

namespace Aos.Storage.Tests;

/// <summary>Gives each test a database in its own temporary directory, closed and deleted after the test.</summary>
public abstract class SqliteTestBase : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private SqliteDatabase? _database;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected string DataDirectory => _directory.Path;

    protected SqliteDatabase Database => _database ??= Open();

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        _directory.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Closes the database and opens it again on the same directory, as a restart would.</summary>
    protected async Task ReopenAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        _database = Open();
        OnReopened(_database);
    }

    protected virtual void OnReopened(SqliteDatabase database)
    {
    }

    protected SqliteDatabase Open(int maxBatchSize = 512) => new(new SqliteStorageOptions { DataDirectory = DataDirectory, MaxBatchSize = maxBatchSize });

    protected Task<long> CountAsync(string table) =>
        Database.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT count(*) FROM {table};";
            return (long)command.ExecuteScalar()!;
        }, Ct);
}

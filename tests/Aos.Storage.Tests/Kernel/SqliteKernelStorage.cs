using Aos.Storage.Sqlite;

namespace Aos.Storage.Tests.Kernel;

/// <summary>Gives a kernel store kit test an embedded database in its own temporary directory, reopened on restart and deleted after.</summary>
internal sealed class SqliteKernelStorage : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private SqliteDatabase? _database;

    /// <summary>Gets the open database, opening it on first use.</summary>
    public SqliteDatabase Database => _database ??= new(new SqliteStorageOptions { DataDirectory = _directory.Path });

    /// <summary>Closes the database and opens it again on the same directory, as a restart would.</summary>
    public async Task<SqliteDatabase> ReopenAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
            _database = null;
        }

        return Database;
    }

    public ValueTask<long> CountRowsAsync(string table) =>
        new(Database.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT count(*) FROM {table};";
            return (long)command.ExecuteScalar()!;
        }, TestContext.Current.CancellationToken));

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        _directory.Dispose();
    }
}

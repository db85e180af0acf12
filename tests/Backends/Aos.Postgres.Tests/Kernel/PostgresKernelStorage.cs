using Aos.Postgres.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aos.Postgres.Tests.Kernel;

/// <summary>Gives a kernel store kit test a schema of its own on the test server, dropped after the test.</summary>
/// <remarks>Each <see cref="OpenAsync"/> opens another <see cref="PostgresDatabase"/> (its own pool and migration state), as another node would.</remarks>
internal sealed class PostgresKernelStorage : IAsyncDisposable
{
    private readonly List<PostgresDatabase> _databases = [];
    private bool _used;

    public string Schema { get; } = PostgresTestServer.NewSchema();

    /// <summary>Opens a database on the test's schema; skips the test when the server is absent.</summary>
    public async ValueTask<PostgresDatabase> OpenAsync()
    {
        await PostgresTestServer.RequireAsync();
        _used = true;
        var database = new PostgresDatabase(new PostgresStorageOptions { ConnectionString = PostgresTestServer.ConnectionString, Schema = Schema }, NullLogger.Instance);
        _databases.Add(database);
        return database;
    }

    public async ValueTask<long> CountRowsAsync(string table)
    {
        await using var connection = await PostgresTestServer.OpenAsync();
        return await connection.ScalarAsync<long>($"SELECT count(*) FROM \"{Schema}\".{table}", TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }

        if (_used)
        {
            await PostgresTestServer.DropSchemaAsync(Schema);
        }
    }
}

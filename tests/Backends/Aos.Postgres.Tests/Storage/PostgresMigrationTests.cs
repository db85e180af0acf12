using Aos.Postgres.Storage;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Aos.Postgres.Tests.Storage;

/// <summary>Checks that the schema is created and migrated once, however many providers start on it and however often.</summary>
public sealed class PostgresMigrationTests : IAsyncLifetime
{
    private readonly string _schema = PostgresTestServer.NewSchema();
    private readonly FakeTimeProvider _time = new();
    private bool _used;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await PostgresTestServer.RequireAsync();
        _used = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_used)
        {
            await PostgresTestServer.DropSchemaAsync(_schema);
        }
    }

    [Fact]
    public async Task FirstUse_AppliedTwiceBySuccessiveProviders_LeavesOneVersionRowPerComponent()
    {
        for (var run = 0; run < 2; run++)
        {
            await using var provider = PostgresTestServer.CreateProvider(_time, _schema);
            await TouchEveryComponentAsync(provider);
        }

        Assert.Equal(Expected(), await VersionsAsync());
    }

    [Fact]
    public async Task FirstUse_ByTwoProvidersAtOnce_AppliesEachScriptOnce()
    {
        await using var first = PostgresTestServer.CreateProvider(_time, _schema);
        await using var second = PostgresTestServer.CreateProvider(_time, _schema);

        await Task.WhenAll(TouchEveryComponentAsync(first), TouchEveryComponentAsync(second));

        Assert.Equal(Expected(), await VersionsAsync());
        Assert.Equal(5, await ScalarAsync<long>("SELECT count(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name <> 'aos_schema'"));
    }

    [Fact]
    public async Task FirstUse_OnADatabaseMissingAComponent_AppliesOnlyItsScripts()
    {
        await using (var provider = PostgresTestServer.CreateProvider(_time, _schema))
        {
            await TouchEveryComponentAsync(provider);
            await provider.GetBlobStore("migrations").PutAsync("kept", new MemoryStream([1, 2, 3]), cancellationToken: Ct);
        }

        // As if the database had been created before the queue component existed.
        await ExecuteAsync($"DROP TABLE \"{_schema}\".queue_messages; DELETE FROM \"{_schema}\".aos_schema WHERE component = 'queues'");
        await using var again = PostgresTestServer.CreateProvider(_time, _schema);
        await TouchEveryComponentAsync(again);

        Assert.Equal(Expected(), await VersionsAsync());
        Assert.Equal(3, (await again.GetBlobStore("migrations").GetPropertiesAsync("kept", Ct))!.Length);
        await again.GetQueueStore("migrations").EnqueueAsync("works", cancellationToken: Ct);
    }

    private static async Task TouchEveryComponentAsync(PostgresStorageProvider provider)
    {
        await provider.GetBlobStore("migrations").GetPropertiesAsync("a", Ct);
        await provider.GetTableStore("migrations").GetAsync("p", "r", Ct);
        await provider.GetQueueStore("migrations").PeekAsync(1, Ct);
        await provider.GetDocumentStore("migrations").GetAsync("c-1", "p", "d", Ct);
    }

    private static List<(string, int)> Expected() =>
        [.. PostgresMigrations.All.Select(c => (c.Key, c.Value.Count)).OrderBy(c => c.Key, StringComparer.Ordinal)];

    private async Task<List<(string, int)>> VersionsAsync()
    {
        await using var connection = await PostgresTestServer.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT component, version FROM \"{_schema}\".aos_schema ORDER BY component COLLATE \"C\"", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<(string, int)>();
        while (await reader.ReadAsync(Ct))
        {
            rows.Add((reader.GetString(0), reader.GetInt32(1)));
        }

        return rows;
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = await PostgresTestServer.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = _schema });
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = await PostgresTestServer.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }
}

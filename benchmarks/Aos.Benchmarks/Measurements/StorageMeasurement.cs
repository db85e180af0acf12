using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Aos.Azure.Storage;
using Aos.Benchmarks.Infrastructure;
using Aos.Postgres.Storage;
using Aos.Storage;
using Aos.Storage.Sqlite;
using global::Azure.Data.Tables;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Aos.Benchmarks.Measurements;

/// <summary>
/// Measures small-item put and get on each storage backend through the AOS store contracts against the raw driver doing the same
/// work in the same run (same server, same durability, same result: a parsed document or a typed entity), rounds interleaved.
/// </summary>
/// <remarks>
/// SQLite and PostgreSQL: a 70-byte JSON document, <see cref="IDocumentStore.UpsertAsync"/> / <see cref="IDocumentStore.GetAsync"/> against a
/// prepared <c>INSERT … ON CONFLICT DO UPDATE</c> / <c>SELECT</c> plus <see cref="JsonDocument.Parse(string, JsonDocumentOptions)"/>. Azure
/// (Azurite): a 4-property entity, <see cref="ITableStore.UpsertAsync"/> / <see cref="ITableStore.GetAsync"/> against
/// <see cref="TableClient.UpsertEntityAsync{T}"/> / <see cref="TableClient.GetEntityAsync{T}"/>. One caller, then 16 concurrent callers.
/// </remarks>
internal static class StorageMeasurement
{
    private const int Rounds = 9;
    private const int Items = 500;

    public sealed record Options(int Operations, string? Postgres, string? Azure, SqliteTuning? Tuning = null);

    public static async Task RunAsync(Options options)
    {
        Console.WriteLine();
        Console.WriteLine($"## Storage: small-item put/get, AOS store vs raw driver ({options.Operations:N0} operations per round, {Rounds} rounds, AOS and raw interleaved; SQLite {options.Tuning?.ToString() ?? "default settings"})");
        Console.WriteLine();
        Console.WriteLine("| Backend | Operation | Callers | AOS ops/s (median) | Raw driver ops/s (median) | Overhead (AOS time / raw time) | Overhead, median of the rounds' pairs |");
        Console.WriteLine("|---|---|--:|--:|--:|--:|--:|");
        var cpu = CpuMonitor.Start();
        await SqliteAsync(options.Operations, options.Tuning);
        if (options.Postgres is { } postgres)
        {
            await PostgresAsync(postgres, options.Operations);
        }

        if (options.Azure is { } azure)
        {
            await AzureAsync(azure, options.Operations / 4);
        }

        Console.WriteLine();
        Console.WriteLine(cpu.Stop());
    }

    private static async Task SqliteAsync(int operations, SqliteTuning? tuning)
    {
        var directory = BenchHost.CreateTempDirectory();
        try
        {
            var settings = new SqliteStorageOptions { DataDirectory = Path.Combine(directory, "aos") };
            tuning?.Apply(settings);
            await using var database = new SqliteDatabase(settings);
            var store = new SqliteStorageProvider(database, TimeProvider.System).GetDocumentStore("bench");
            using var raw = new RawSqlite(Path.Combine(directory, "raw.db"));
            await CompareAsync("sqlite", operations, DocumentAdapter(store), raw);
        }
        finally
        {
            BenchHost.DeleteDirectory(directory);
        }
    }

    private static async Task PostgresAsync(string connectionString, int operations)
    {
        var schema = "aos_bench_" + Guid.NewGuid().ToString("N")[..8];
        await using var provider = new PostgresStorageProvider(new PostgresStorageOptions { ConnectionString = connectionString, Schema = schema });
        await using var raw = new RawPostgres(connectionString, schema);
        try
        {
            await CompareAsync("postgres", operations, DocumentAdapter(provider.GetDocumentStore("bench")), raw);
        }
        finally
        {
            await raw.DropAsync();
        }
    }

    private static async Task AzureAsync(string connectionString, int operations)
    {
        var prefix = "b" + Guid.NewGuid().ToString("N")[..8];
        using var provider = new AzureStorageProvider(new AzureStorageOptions { ConnectionString = connectionString, Prefix = prefix });
        var raw = new TableClient(connectionString, prefix + "raw");
        await raw.CreateIfNotExistsAsync();
        try
        {
            var store = provider.GetTableStore("bench");
            var adapter = new Adapter(
                async i => await store.UpsertAsync(new Aos.Storage.TableEntity("p", Key(i), Properties(i))),
                async i => _ = (await store.GetAsync("p", Key(i)))!.Properties.Count);
            var rawAdapter = new Adapter(
                async i => await raw.UpsertEntityAsync(new global::Azure.Data.Tables.TableEntity("p", Key(i)) { ["n"] = i, ["name"] = $"item-{i}", ["ok"] = true, ["at"] = DateTimeOffset.UnixEpoch }, TableUpdateMode.Replace),
                async i => _ = (await raw.GetEntityAsync<global::Azure.Data.Tables.TableEntity>("p", Key(i))).Value.Count);
            await CompareAsync("azure (Azurite, table entity)", operations, adapter, rawAdapter);
        }
        finally
        {
            await new TableServiceClient(connectionString).DeleteTableAsync(prefix + "raw");
            await new TableServiceClient(connectionString).DeleteTableAsync(AzureStorageNamesForBench(prefix));
        }
    }

    private static string AzureStorageNamesForBench(string prefix) => prefix + "bench";

    private static Dictionary<string, object?> Properties(int i) => new() { ["n"] = i, ["name"] = $"item-{i}", ["ok"] = true, ["at"] = DateTimeOffset.UnixEpoch };

    private static string Key(int i) => "k" + (i % Items).ToString("D4", CultureInfo.InvariantCulture);

    private static string Json(int i) => $$"""{"n":{{i}},"name":"item-{{i}}","tags":["red","small"],"ok":true}""";

    private static Adapter DocumentAdapter(IDocumentStore store) => new(
        async i => await store.UpsertAsync("items", "p", Key(i), JsonDocument.Parse(Json(i)).RootElement),
        async i => _ = (await store.GetAsync("items", "p", Key(i)))!.Document.GetProperty("n").GetInt32());

    private static Task CompareAsync(string backend, int operations, Adapter aos, IRawStore raw) => CompareAsync(backend, operations, aos, raw.AsAdapter());

    private static async Task CompareAsync(string backend, int operations, Adapter aos, Adapter raw)
    {
        // Both stores hold every item before gets are measured, and both paths are warm.
        for (var i = 0; i < Items; i++)
        {
            await aos.Put(i);
            await raw.Put(i);
        }

        foreach (var (operation, pick) in new (string, Func<Adapter, Func<int, Task>>)[] { ("put", a => a.Put), ("get", a => a.Get) })
        {
            foreach (var callers in new[] { 1, 16 })
            {
                var aosRates = new List<double>();
                var rawRates = new List<double>();
                for (var round = 0; round < Rounds; round++)
                {
                    aosRates.Add(await RateAsync(pick(aos), operations, callers));
                    rawRates.Add(await RateAsync(pick(raw), operations, callers));
                }

                // Each round's pair ran back to back, so its ratio is less exposed to the disk's drift than the ratio of the medians.
                var pairs = aosRates.Zip(rawRates, (a, r) => r / a).ToList();
                var aosMedian = Median(aosRates);
                var rawMedian = Median(rawRates);
                Console.WriteLine($"| {backend} | {operation} | {callers} | {aosMedian:N0} | {rawMedian:N0} | {rawMedian / aosMedian:0.00} | {Median(pairs):0.00} |");
            }
        }
    }

    private static async Task<double> RateAsync(Func<int, Task> operation, int operations, int callers)
    {
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < operations)
            {
                await operation(i);
            }
        })));
        return operations / watch.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private sealed record Adapter(Func<int, Task> Put, Func<int, Task> Get);

    private interface IRawStore
    {
        Task PutAsync(int i);

        Task GetAsync(int i);

        Adapter AsAdapter() => new(PutAsync, GetAsync);
    }

    /// <summary>What a user of Microsoft.Data.Sqlite would write: one write connection behind a lock (SQLite has one writer), autocommit, WAL, synchronous=FULL; pooled readers.</summary>
    private sealed class RawSqlite : IRawStore, IDisposable
    {
        private readonly string _connectionString;
        private readonly SqliteConnection _writer;
        private readonly SqliteCommand _put;
        private readonly SemaphoreSlim _lock = new(1, 1);

        public RawSqlite(string path)
        {
            _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
            _writer = new SqliteConnection(_connectionString);
            _writer.Open();
            Execute(_writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE docs (pk TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, etag TEXT NOT NULL, PRIMARY KEY (pk, id)) WITHOUT ROWID;");
            _put = _writer.CreateCommand();
            _put.CommandText = "INSERT INTO docs (pk, id, doc, etag) VALUES ('p', $id, $doc, $etag) ON CONFLICT (pk, id) DO UPDATE SET doc = excluded.doc, etag = excluded.etag;";
            _put.Parameters.Add("$id", SqliteType.Text);
            _put.Parameters.Add("$doc", SqliteType.Text);
            _put.Parameters.Add("$etag", SqliteType.Text);
            _put.Prepare();
        }

        public async Task PutAsync(int i)
        {
            await _lock.WaitAsync();
            try
            {
                _put.Parameters[0].Value = Key(i);
                _put.Parameters[1].Value = Json(i);
                _put.Parameters[2].Value = Guid.NewGuid().ToString("N");
                _put.ExecuteNonQuery();
            }
            finally
            {
                _lock.Release();
            }
        }

        public Task GetAsync(int i)
        {
            using var connection = new SqliteConnection(_connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT doc, etag FROM docs WHERE pk = 'p' AND id = $id;";
            command.Parameters.AddWithValue("$id", Key(i));
            using var reader = command.ExecuteReader();
            reader.Read();
            using var document = JsonDocument.Parse(reader.GetString(0));
            _ = document.RootElement.Clone().GetProperty("n").GetInt32();
            return Task.CompletedTask;
        }

        public void Dispose()
        {
            _put.Dispose();
            _writer.Dispose();
            _lock.Dispose();
        }

        private static void Execute(SqliteConnection connection, string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
    }

    /// <summary>What a user of Npgsql would write: an <see cref="NpgsqlDataSource"/>, one upsert or select per call, the document parsed.</summary>
    private sealed class RawPostgres(string connectionString, string schema) : IRawStore, IAsyncDisposable
    {
        private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(connectionString);
        private bool _created;

        public async Task PutAsync(int i)
        {
            if (!_created)
            {
                await using var create = _source.CreateCommand($"CREATE SCHEMA IF NOT EXISTS {schema}; CREATE TABLE IF NOT EXISTS {schema}.raw_docs (pk text NOT NULL, id text NOT NULL, doc jsonb NOT NULL, etag text NOT NULL, PRIMARY KEY (pk, id));");
                await create.ExecuteNonQueryAsync();
                _created = true;
            }

            await using var command = _source.CreateCommand($"INSERT INTO {schema}.raw_docs (pk, id, doc, etag) VALUES ('p', $1, $2::jsonb, $3) ON CONFLICT (pk, id) DO UPDATE SET doc = excluded.doc, etag = excluded.etag");
            command.Parameters.Add(new NpgsqlParameter { Value = Key(i) });
            command.Parameters.Add(new NpgsqlParameter { Value = Json(i) });
            command.Parameters.Add(new NpgsqlParameter { Value = Guid.NewGuid().ToString("N") });
            await command.ExecuteNonQueryAsync();
        }

        public async Task GetAsync(int i)
        {
            await using var command = _source.CreateCommand($"SELECT doc::text, etag FROM {schema}.raw_docs WHERE pk = 'p' AND id = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = Key(i) });
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            using var document = JsonDocument.Parse(reader.GetString(0));
            _ = document.RootElement.Clone().GetProperty("n").GetInt32();
        }

        public async Task DropAsync()
        {
            await using var drop = _source.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
            await drop.ExecuteNonQueryAsync();
        }

        public ValueTask DisposeAsync() => _source.DisposeAsync();
    }
}

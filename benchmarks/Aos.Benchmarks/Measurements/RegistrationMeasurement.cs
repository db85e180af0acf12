using System.Diagnostics;
using System.Text.Json;
using Aos.Agents;
using Aos.Benchmarks.Infrastructure;
using Aos.Kernel.Registry;
using Aos.Storage.Serialization;
using Aos.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Aos.Benchmarks.Measurements;

/// <summary>
/// Registers a million agents with <see cref="AgentRegistry.RegisterAsync(IReadOnlyList{AgentRegistration}, CancellationToken)"/>
/// in batches, interleaved batch by batch with the baseline (raw SQLite inserts of the same rows, one transaction per batch, into
/// a second database with the same schema and settings), and measures the managed memory that sleeping and active agents cost.
/// </summary>
internal static class RegistrationMeasurement
{
    private const int BatchSize = 10_000;
    private const int ActiveAgents = 10_000;

    public static async Task RunAsync(int agents, SqliteTuning? tuning)
    {
        Console.WriteLine();
        Console.WriteLine($"## Registration and memory ({agents:N0} agents in batches of {BatchSize:N0}; {tuning?.ToString() ?? "default settings"})");
        var cpu = CpuMonitor.Start();
        var dataDirectory = BenchHost.CreateTempDirectory();
        var rawDirectory = BenchHost.CreateTempDirectory();
        try
        {
            await using var host = await BenchHost.StartAsync(dataDirectory, tuning: tuning);
            await using var raw = await RawDirectory.OpenAsync(rawDirectory, tuning);

            // Warms the registration path (JIT, statements) on agents outside the measured range.
            await Load.RegisterCountersAsync(host.Registry, BatchSize, first: agents + ActiveAgents);
            raw.Insert(Rows(agents + ActiveAgents, BatchSize, DateTimeOffset.UtcNow));

            var heapBefore = Heap();
            var workingSetBefore = Environment.WorkingSet;
            var aosTimes = new List<double>();
            var rawTimes = new List<double>();
            for (var start = 0; start < agents; start += BatchSize)
            {
                var count = Math.Min(BatchSize, agents - start);
                var registrations = Registrations(start, count);
                var watch = Stopwatch.StartNew();
                await host.Registry.RegisterAsync(registrations);
                aosTimes.Add(watch.Elapsed.TotalSeconds);

                var rows = Rows(start, count, DateTimeOffset.UtcNow);
                watch.Restart();
                raw.Insert(rows);
                rawTimes.Add(watch.Elapsed.TotalSeconds);
            }

            var heapRegistered = Heap();
            var workingSetRegistered = Environment.WorkingSet;

            Console.WriteLine();
            Console.WriteLine("| Registration | Agents | Total s | Agents/s | p50 batch ms | max batch ms | Agents/s, first 10 batches | Agents/s, last 10 batches |");
            Console.WriteLine("|---|--:|--:|--:|--:|--:|--:|--:|");
            Row("Raw SQLite insert of the same rows, one transaction per batch (baseline)", agents, rawTimes);
            Row("AgentRegistry.RegisterAsync, one call per batch", agents, aosTimes);
            Console.WriteLine();
            Console.WriteLine($"Ratio AOS/raw, agents/s: {agents / aosTimes.Sum() / (agents / rawTimes.Sum()):0.00}");

            // Activates agents that are registered but have never run; each handles one event.
            var ids = Enumerable.Range(0, ActiveAgents).Select(i => AgentId.Parse(Load.AgentName(i))).ToArray();
            var client = host.Client;
            var heapIdle = Heap();
            await Load.RunAsync(ActiveAgents, 100, ActiveAgents / 100, i => client.SendAsync(ids[i], client.CreateMessage(CounterAgent.Increment, null)));
            var management = host.Grains.GetGrain<IManagementGrain>(0);
            var active = (await management.GetSimpleGrainStatistics()).Where(s => s.GrainType.Contains("AgentGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
            var heapActive = Heap();

            Console.WriteLine();
            Console.WriteLine("| Memory (managed heap after a forced full GC) | Agents | Heap before MiB | Heap after MiB | Bytes per agent |");
            Console.WriteLine("|---|--:|--:|--:|--:|");
            Console.WriteLine($"| Registered, sleeping | {agents:N0} | {Mib(heapBefore)} | {Mib(heapRegistered)} | {(double)(heapRegistered - heapBefore) / agents:N1} |");
            Console.WriteLine($"| Active ({active:N0} agent activations counted by Orleans) | {ActiveAgents:N0} | {Mib(heapIdle)} | {Mib(heapActive)} | {(double)(heapActive - heapIdle) / ActiveAgents:N0} |");
            Console.WriteLine();
            Console.WriteLine($"Process working set: {Mib(workingSetBefore)} MiB before registering, {Mib(workingSetRegistered)} MiB after " +
                "(SQLite's page cache is native memory, bounded by cache_size: 32 MiB for the writer).");
            Console.WriteLine($"Database file after registration: {Mib(new FileInfo(Path.Combine(dataDirectory, SqliteStorageOptions.FileName)).Length)} MiB (+ WAL).");
            Console.WriteLine(cpu.Stop());
        }
        finally
        {
            BenchHost.DeleteDirectory(dataDirectory);
            BenchHost.DeleteDirectory(rawDirectory);
        }
    }

    private static List<AgentRegistration> Registrations(int first, int count)
    {
        var list = new List<AgentRegistration>(count);
        for (var i = first; i < first + count; i++)
        {
            list.Add(new AgentRegistration { Id = Load.AgentName(i), Type = CounterAgent.TypeName });
        }

        return list;
    }

    /// <summary>Builds the rows <see cref="AgentRegistry"/> stores for the same agents: the same columns and descriptor JSON.</summary>
    private static RawRow[] Rows(int first, int count, DateTimeOffset now)
    {
        var rows = new RawRow[count];
        for (var i = 0; i < count; i++)
        {
            var descriptor = new AgentDescriptor
            {
                Id = AgentId.Parse(Load.AgentName(first + i)),
                Type = CounterAgent.TypeName,
                Version = "1",
                Capabilities = [],
                Subscriptions = [],
                Config = new Dictionary<string, JsonElement>(),
                CreatedAt = now,
            };
            rows[i] = new RawRow(descriptor.Id.Value, descriptor.Type, descriptor.Version!, JsonSerializer.Serialize(descriptor, AosStorageJsonContext.Default.AgentDescriptor), now.ToUnixTimeMilliseconds());
        }

        return rows;
    }

    private static void Row(string name, int agents, List<double> seconds)
    {
        var batches = new Percentiles(seconds.Select(s => s * 1000));
        var first = seconds.Take(10).ToList();
        var last = seconds.TakeLast(10).ToList();
        Console.WriteLine(
            $"| {name} | {agents:N0} | {seconds.Sum():0.0} | {agents / seconds.Sum():N0} | {Percentiles.Ms(batches.At(50))} | {Percentiles.Ms(batches.Max)} " +
            $"| {first.Count * BatchSize / first.Sum():N0} | {last.Count * BatchSize / last.Sum():N0} |");
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static string Mib(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);

    private readonly record struct RawRow(string Id, string Type, string Version, string Descriptor, long CreatedAt);

    /// <summary>A second database with the directory's schema (created by AOS's own migration), written with plain ADO.NET.</summary>
    private sealed class RawDirectory : IAsyncDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _insert;

        private RawDirectory(SqliteConnection connection)
        {
            _connection = connection;
            _insert = connection.CreateCommand();
            _insert.CommandText = "INSERT INTO agents (id, type, version, status, descriptor, created_at) VALUES ($id, $type, $version, 0, $descriptor, $created);";
            foreach (var name in new[] { "$id", "$type", "$version", "$descriptor", "$created" })
            {
                _insert.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            _insert.Prepare();
        }

        public static async Task<RawDirectory> OpenAsync(string directory, SqliteTuning? tuning)
        {
            var options = new SqliteStorageOptions { DataDirectory = directory };
            tuning?.Apply(options);
            await using (var database = new SqliteDatabase(options))
            {
                // Runs the directory's migration, so the baseline writes to the same tables and indexes.
                await new SqliteAgentDirectory(database, TimeProvider.System).GetAsync(AgentId.Parse("schema"));
            }

            var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = Path.Combine(directory, SqliteStorageOptions.FileName),
                Pooling = false,
            }.ToString());
            connection.Open();
            using var pragmas = connection.CreateCommand();
            pragmas.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA synchronous={(int)options.Synchronous}; PRAGMA cache_size=-32768; PRAGMA temp_store=MEMORY;";
            pragmas.ExecuteNonQuery();
            return new RawDirectory(connection);
        }

        public void Insert(RawRow[] rows)
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            _insert.Transaction = transaction;
            foreach (var row in rows)
            {
                _insert.Parameters[0].Value = row.Id;
                _insert.Parameters[1].Value = row.Type;
                _insert.Parameters[2].Value = row.Version;
                _insert.Parameters[3].Value = row.Descriptor;
                _insert.Parameters[4].Value = row.CreatedAt;
                _insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        public async ValueTask DisposeAsync()
        {
            await _insert.DisposeAsync();
            await _connection.DisposeAsync();
        }
    }
}

using System.Globalization;
using Aos.Storage.Sqlite;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Data.Sqlite;

namespace Aos.Benchmarks;

/// <summary>
/// The embedded writer's cost per operation in a batch: <see cref="BatchSize"/> turn-like operations (a state row updated, a journal
/// row inserted and trimmed, a message row marked delivered) queued behind a held writer and committed in one transaction, each in
/// its own savepoint (<see cref="SqliteDatabase.WriteAsync{T}"/>, the baseline) or grouped under one
/// (<see cref="SqliteDatabase.WriteReplayableAsync{T}"/>); and grouped with the same statements stepped natively (<see cref="SqliteStatement"/>) instead
/// of <see cref="SqliteCommand"/>. Synchronous is off, so the figure is the writer's CPU, not the disk's.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class SqliteWriterBenchmarks : IDisposable
{
    private const int Agents = 1_000;
    private const int Keep = 100;
    private const string StateSql = "UPDATE state SET version = version + 1, data = zeroblob(200) WHERE agent = $a;";
    private const string JournalSql = "INSERT INTO journal (agent, seq, data) VALUES ($a, $s, '{\"type\":\"increment\",\"outcome\":\"handled\"}');";
    private const string TrimSql = "DELETE FROM journal WHERE agent = $a AND seq <= $s;";
    private const string MessageSql = "INSERT INTO messages (seq, status, updated_at, envelope) VALUES ($s, 0, 0, '{\"id\":\"m\",\"type\":\"increment\"}');";
    private const string DeliveredSql = "UPDATE messages SET status = 1, updated_at = $s WHERE seq = $s AND status = 0;";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "aos-bench-writer-" + Guid.NewGuid().ToString("N"));
    private readonly long[] _sequences = new long[Agents];
    private readonly Task<int>[] _writes = new Task<int>[512];
    private SqliteDatabase _database = null!;
    private long _message;
    private int _next;

    /// <summary>Gets or sets how many operations each committed batch holds.</summary>
    [Params(8, 64, 256)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _database = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = _directory, Synchronous = SqliteSynchronousMode.Off });
        await _database.EnsureSchemaAsync("bench.writer", [
            """
            CREATE TABLE state (agent TEXT NOT NULL PRIMARY KEY, version INTEGER NOT NULL, data BLOB NOT NULL);
            CREATE TABLE journal (agent TEXT NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (agent, seq)) WITHOUT ROWID;
            CREATE TABLE messages (seq INTEGER PRIMARY KEY, status INTEGER NOT NULL, updated_at INTEGER NOT NULL, envelope TEXT NOT NULL);
            CREATE INDEX ix_messages_pending ON messages (seq) WHERE status = 0;
            """,
        ]);
        await _database.WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO state (agent, version, data) VALUES ($a, 1, zeroblob(200));";
            var agent = command.Parameters.Add("$a", SqliteType.Text);
            for (var i = 0; i < Agents; i++)
            {
                agent.Value = Agent(i);
                command.ExecuteNonQuery();
            }

            return 0;
        });
    }

    [Benchmark(Baseline = true, Description = "One savepoint per operation (WriteAsync)")]
    public Task SavepointEach() => RunBatchAsync(replayable: false);

    [Benchmark(Description = "One savepoint per group (WriteReplayableAsync)")]
    public Task Grouped() => RunBatchAsync(replayable: true);

    [Benchmark(Description = "Grouped, statements stepped natively")]
    public Task GroupedNative() => RunBatchAsync(replayable: true, native: true);

    [GlobalCleanup]
    public void Dispose()
    {
        _database?.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A benchmark's temporary directory; the OS cleans it up later.
        }

        GC.SuppressFinalize(this);
    }

    private static string Agent(int i) => "agent-" + i.ToString("D4", CultureInfo.InvariantCulture);

    private async Task RunBatchAsync(bool replayable, bool native = false)
    {
        using var release = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        var blocker = _database.WriteAsync(_ =>
        {
            entered.Set();
            release.Wait();
            return 0;
        });
        entered.Wait();
        for (var i = 0; i < BatchSize; i++)
        {
            var agent = _next++ % Agents;
            var message = ++_message;
            var seq = ++_sequences[agent];
            Func<SqliteConnection, int> turn = native ? connection => NativeTurn(connection, Agent(agent), seq, message) : connection => Turn(connection, Agent(agent), seq, message);
            _writes[i] = replayable ? _database.WriteReplayableAsync(turn) : _database.WriteAsync(turn);
        }

        release.Set();
        await blocker;
        await Task.WhenAll(_writes.AsSpan(0, BatchSize));
    }

    private static int Turn(SqliteConnection connection, string agent, long seq, long message)
    {
        var state = SqliteCommandCache.Get(connection, StateSql, "$a");
        state.Parameters[0].Value = agent;
        state.ExecuteNonQuery();
        var journal = SqliteCommandCache.Get(connection, JournalSql, "$a", "$s");
        journal.Parameters[0].Value = agent;
        journal.Parameters[1].Value = seq;
        journal.ExecuteNonQuery();
        var trim = SqliteCommandCache.Get(connection, TrimSql, "$a", "$s");
        trim.Parameters[0].Value = agent;
        trim.Parameters[1].Value = seq - Keep;
        trim.ExecuteNonQuery();
        var insert = SqliteCommandCache.Get(connection, MessageSql, "$s");
        insert.Parameters[0].Value = message;
        insert.ExecuteNonQuery();
        var delivered = SqliteCommandCache.Get(connection, DeliveredSql, "$s");
        delivered.Parameters[0].Value = message;
        return delivered.ExecuteNonQuery();
    }

    // The product's native statements (SqliteStatement), prepared once on the writer connection and finalized when it closes.
    private static int NativeTurn(SqliteConnection connection, string agent, long seq, long message)
    {
        SqliteStatement.Get(connection, StateSql, "$a").Bind(0, agent).Execute();
        SqliteStatement.Get(connection, JournalSql, "$a", "$s").Bind(0, agent).Bind(1, seq).Execute();
        SqliteStatement.Get(connection, TrimSql, "$a", "$s").Bind(0, agent).Bind(1, seq - Keep).Execute();
        SqliteStatement.Get(connection, MessageSql, "$s").Bind(0, message).Execute();
        return SqliteStatement.Get(connection, DeliveredSql, "$s").Bind(0, message).Execute();
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
            AddColumn(StatisticColumn.Median, StatisticColumn.P95);
            WithOptions(ConfigOptions.DisableLogFile);
        }
    }
}

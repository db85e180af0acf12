using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Aos.Governance.Audit;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Aos.Benchmarks;

/// <summary>
/// The cost of the tamper-evident audit log: 10,000 appends issued concurrently (batched, chained, signed checkpoints) against the
/// baseline of inserting the same rows into the same table in one transaction without hashing; and verifying 100,000 entries against
/// the baseline of just reading them, and of hashing the same canonical bytes with SHA-256 on one thread. Each operation counts per
/// entry (OperationsPerInvoke). The raw baselines use the log's own schema and its default durability (WAL, synchronous=NORMAL).
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class AuditLogBenchmarks : IDisposable
{
    private const int Appends = 10_000;
    private const int Verified = 100_000;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "aos-bench-audit-" + Guid.NewGuid().ToString("N"));
    private AuditRecord[] _records = null!;
    private SqliteAuditLog _appendLog = null!;
    private SqliteAuditLog _verifyLog = null!;
    private SqliteConnection _raw = null!;
    private SqliteCommand _rawInsert = null!;
    private string _verifyConnectionString = null!;
    private long _rawSeq;
    private sqlite3_stmt _nativeInsert = null!;
    private byte[][] _hashed = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var context = JsonDocument.Parse("""{"agent":"billing","grant":"messages.send","node":"node-1"}""").RootElement;
        _records = [.. Enumerable.Range(0, Appends).Select(i => new AuditRecord
        {
            Tenant = "acme",
            Actor = $"user-{i % 50}",
            Action = "messages.send",
            Resource = $"agent/billing-{i % 200}",
            Outcome = "allowed",
            Context = context,
        })];
        _appendLog = new SqliteAuditLog(Options("append"), TimeProvider.System);
        var verifyOptions = Options("verify");
        _verifyLog = new SqliteAuditLog(verifyOptions, TimeProvider.System);
        for (var i = 0; i < Verified / Appends; i++)
        {
            await _verifyLog.AppendManyAsync(_records);
        }

        var verification = await _verifyLog.VerifyAsync();
        if (!verification.Ok || verification.EntriesChecked != Verified)
        {
            throw new InvalidOperationException($"The benchmark log does not verify: {verification.Problem} {verification.Detail}");
        }

        _verifyConnectionString = new SqliteConnectionStringBuilder { DataSource = verifyOptions.DatabasePath }.ToString();

        // The baseline table is the audit log's own schema, written by the same durable settings, without chaining.
        await using (var schema = new SqliteAuditLog(Options("raw"), TimeProvider.System))
        {
        }

        _raw = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "raw.db") }.ToString());
        _raw.Open();
        using (var pragma = _raw.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16384;";
            pragma.ExecuteNonQuery();
        }

        _rawInsert = _raw.CreateCommand();
        _rawInsert.CommandText = "INSERT INTO audit_entries (seq, time, tenant, actor, action, resource, outcome, level, context, prev_hash, hash) VALUES ($seq, $time, $tenant, $actor, $action, $resource, $outcome, 0, $context, $prev, $hash)";
        foreach (var name in (string[])["$seq", "$time", "$tenant", "$actor", "$action", "$resource", "$outcome", "$context", "$prev", "$hash"])
        {
            _rawInsert.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        _rawInsert.Prepare();
        raw.sqlite3_prepare_v2(_raw.Handle, "INSERT INTO audit_entries (seq, time, tenant, actor, action, resource, outcome, level, context, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8, ?9, ?10)", out _nativeInsert);
        _hashed = ReadCanonicalBytes(_verifyConnectionString);
    }

    /// <summary>Builds, for every stored entry, the bytes its hash covers: the previous hash and the canonical JSON.</summary>
    private static byte[][] ReadCanonicalBytes(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, time, tenant, actor, action, resource, outcome, context, prev_hash FROM audit_entries ORDER BY seq";
        using var reader = command.ExecuteReader();
        var result = new List<byte[]>();
        var buffer = new ArrayBufferWriter<byte>();
        while (reader.Read())
        {
            buffer.ResetWrittenCount();
            var previous = (byte[])reader.GetValue(8);
            buffer.Write(previous);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("action", reader.GetString(4));
                writer.WriteString("actor", reader.GetString(3));
                writer.WritePropertyName("context");
                writer.WriteRawValue(reader.GetString(7));
                writer.WriteNumber("id", reader.GetInt64(0));
                writer.WriteString("level", "info");
                writer.WriteString("outcome", reader.GetString(6));
                writer.WriteString("previousHash", Convert.ToHexStringLower(previous));
                writer.WriteString("resource", reader.GetString(5));
                writer.WriteString("tenant", reader.GetString(2));
                writer.WriteString("time", new DateTime(reader.GetInt64(1), DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
                writer.WriteEndObject();
            }

            result.Add(buffer.WrittenSpan.ToArray());
        }

        return [.. result];
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _appendLog?.Dispose();
        _verifyLog?.Dispose();
        _rawInsert?.Dispose();
        _nativeInsert?.Dispose();
        _raw?.Dispose();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Appends), BenchmarkCategory("Append")]
    public void RawSqlite_InsertInOneTransaction()
    {
        using var transaction = _raw.BeginTransaction();
        _rawInsert.Transaction = transaction;
        var hash = new byte[32];
        var ticks = DateTimeOffset.UtcNow.UtcTicks;
        var p = _rawInsert.Parameters;
        foreach (var record in _records)
        {
            p[0].Value = ++_rawSeq;
            p[1].Value = ticks;
            p[2].Value = record.Tenant;
            p[3].Value = record.Actor;
            p[4].Value = record.Action;
            p[5].Value = record.Resource;
            p[6].Value = record.Outcome;
            p[7].Value = """{"agent":"billing","grant":"messages.send","node":"node-1"}""";
            p[8].Value = hash;
            p[9].Value = hash;
            _rawInsert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    [Benchmark(OperationsPerInvoke = Appends), BenchmarkCategory("Append")]
    public void RawSqlite_NativeInsertInOneTransaction()
    {
        using var transaction = _raw.BeginTransaction();
        var hash = new byte[32];
        var ticks = DateTimeOffset.UtcNow.UtcTicks;
        foreach (var record in _records)
        {
            raw.sqlite3_bind_int64(_nativeInsert, 1, ++_rawSeq);
            raw.sqlite3_bind_int64(_nativeInsert, 2, ticks);
            raw.sqlite3_bind_text(_nativeInsert, 3, record.Tenant);
            raw.sqlite3_bind_text(_nativeInsert, 4, record.Actor);
            raw.sqlite3_bind_text(_nativeInsert, 5, record.Action);
            raw.sqlite3_bind_text(_nativeInsert, 6, record.Resource);
            raw.sqlite3_bind_text(_nativeInsert, 7, record.Outcome);
            raw.sqlite3_bind_text(_nativeInsert, 8, """{"agent":"billing","grant":"messages.send","node":"node-1"}""");
            raw.sqlite3_bind_blob(_nativeInsert, 9, hash);
            raw.sqlite3_bind_blob(_nativeInsert, 10, hash);
            raw.sqlite3_step(_nativeInsert);
            raw.sqlite3_reset(_nativeInsert);
        }

        transaction.Commit();
    }

    [Benchmark(OperationsPerInvoke = Appends), BenchmarkCategory("Append")]
    public async Task AuditLog_AppendManyInHundreds()
    {
        var appends = new Task<IReadOnlyList<AuditEntry>>[Appends / 100];
        for (var i = 0; i < appends.Length; i++)
        {
            appends[i] = _appendLog.AppendManyAsync(new ArraySegment<AuditRecord>(_records, i * 100, 100));
        }

        await Task.WhenAll(appends);
    }

    [Benchmark(OperationsPerInvoke = Appends), BenchmarkCategory("Append")]
    public async Task AuditLog_AppendConcurrently()
    {
        var appends = new Task<AuditEntry>[Appends];
        for (var i = 0; i < appends.Length; i++)
        {
            appends[i] = _appendLog.AppendAsync(_records[i]);
        }

        await Task.WhenAll(appends);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Verified), BenchmarkCategory("Verify")]
    public long RawSqlite_ReadAll()
    {
        using var connection = new SqliteConnection(_verifyConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, time, tenant, actor, action, resource, outcome, level, context, prev_hash, hash FROM audit_entries ORDER BY seq";
        using var reader = command.ExecuteReader();
        var buffer = new byte[32];
        long total = 0;
        while (reader.Read())
        {
            total += reader.GetInt64(0) + reader.GetInt64(1) + reader.GetString(2).Length + reader.GetString(3).Length + reader.GetString(4).Length
                + reader.GetString(5).Length + reader.GetString(6).Length + reader.GetInt32(7) + reader.GetString(8).Length
                + reader.GetBytes(9, 0, buffer, 0, 32) + reader.GetBytes(10, 0, buffer, 0, 32);
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Verified), BenchmarkCategory("Verify")]
    public byte Sha256_SameBytesOneThread()
    {
        Span<byte> hash = stackalloc byte[32];
        byte result = 0;
        foreach (var bytes in _hashed)
        {
            SHA256.HashData(bytes, hash);
            result ^= hash[0];
        }

        return result;
    }

    [Benchmark(OperationsPerInvoke = Verified), BenchmarkCategory("Verify")]
    public async Task<long> AuditLog_Verify() => (await _verifyLog.VerifyAsync()).EntriesChecked;

    private AuditLogOptions Options(string name) => new()
    {
        DatabasePath = Path.Combine(_directory, name + ".db"),
        KeyDirectory = Path.Combine(_directory, "keys"),
    };

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

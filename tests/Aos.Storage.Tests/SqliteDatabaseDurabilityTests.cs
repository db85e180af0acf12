using Aos.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Storage.Tests;

/// <summary>
/// With <see cref="SqliteSynchronousMode.Full"/> the writer commits without syncing and a flusher thread syncs the log: no write is
/// acknowledged, and no read returns, before the log holding it is on disk.
/// </summary>
public sealed class SqliteDatabaseDurabilityTests : SqliteTestBase
{
    private static readonly string[] Items = ["CREATE TABLE items (id INTEGER PRIMARY KEY);"];

    public override async ValueTask InitializeAsync() => await Database.EnsureSchemaAsync("test.items", Items, Ct);

    [Fact]
    public async Task WriteAsync_LogNotFlushedYet_CompletesOnlyAfterTheFlush()
    {
        using var flush = new FlushGate(Database);

        var write = InsertAsync(Database, 1);
        await flush.Entered;

        Assert.False(write.IsCompleted);
        flush.Release();
        await write;
        Assert.Equal(Database.CommittedBatches, Database.FlushedBatches);
    }

    [Fact]
    public async Task ReadAsync_SeesAWriteNotFlushedYet_ReturnsOnlyAfterTheFlush()
    {
        using var flush = new FlushGate(Database);
        var write = InsertAsync(Database, 1);
        await flush.Entered;

        // The row is committed, so the read sees it; it must not return it before a power loss can no longer take it back.
        var read = Database.ReadAsync((connection, _) => Task.FromResult(Count(connection)), Ct);

        Assert.False(read.IsCompleted);
        flush.Release();
        Assert.Equal(1, await read);
        await write;
    }

    [Fact]
    public async Task ReadAsync_Synchronous_SeesAWriteNotFlushedYet_ReturnsAtOnce_AndCompletesOnlyAfterTheFlush()
    {
        using var flush = new FlushGate(Database);
        var write = InsertAsync(Database, 1);
        await flush.Entered;

        // The read runs on this thread, but waiting for the flush does not block it: a pool thread held for a sync of the disk
        // starved the node's turns.
        var read = Database.ReadAsync(Count, Ct);

        Assert.False(read.IsCompleted);
        flush.Release();
        Assert.Equal(1, await read);
        await write;
    }

    [Fact]
    public async Task WriteAsync_FlushFails_FailsTheWriteAndStopsTheDatabase()
    {
        // Only the first flush fails: the database must stay stopped even though a later flush would report success.
        var flushes = 0;
        Database.FlushToDisk = _ =>
        {
            if (Interlocked.Increment(ref flushes) == 1)
            {
                throw new IOException("The disk is gone.");
            }
        };

        var failed = await Assert.ThrowsAsync<IOException>(() => InsertAsync(Database, 1));
        var later = await Assert.ThrowsAsync<IOException>(() => InsertAsync(Database, 2));
        var read = await Assert.ThrowsAsync<IOException>(() => Database.ReadAsync(Count, Ct));

        Assert.Contains("could not be flushed to disk", failed.Message, StringComparison.Ordinal);
        Assert.Contains("restart the process", failed.Message, StringComparison.Ordinal);
        Assert.Equal("The disk is gone.", failed.InnerException?.Message);
        Assert.Equal(failed.Message, later.Message);
        Assert.Equal(failed.Message, read.Message);
    }

    [Theory]
    [InlineData(SqliteSynchronousMode.Normal)]
    [InlineData(SqliteSynchronousMode.Off)]
    public async Task WriteAsync_SynchronousBelowFull_NeverFlushesSeparately(SqliteSynchronousMode mode)
    {
        await using var database = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = Path.Combine(DataDirectory, "other"), Synchronous = mode });
        database.FlushToDisk = _ => throw new IOException("A flush was not expected.");
        await database.EnsureSchemaAsync("test.items", Items, Ct);

        await InsertAsync(database, 1);

        Assert.Equal(1, await database.ReadAsync(Count, Ct));
        Assert.Equal(database.CommittedBatches, database.FlushedBatches);
    }

    [Fact]
    public async Task DisposeAsync_WritesWaitingForAFlush_FlushesAndCompletesThem()
    {
        var database = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = Path.Combine(DataDirectory, "closing") });
        await database.EnsureSchemaAsync("test.items", Items, Ct);
        var flush = new FlushGate(database);
        var writes = Enumerable.Range(1, 10).Select(i => InsertAsync(database, i)).ToList();
        await flush.Entered;

        var disposed = database.DisposeAsync().AsTask();
        flush.Release();
        await disposed;

        await Task.WhenAll(writes);
        await using var reopened = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = Path.Combine(DataDirectory, "closing") });
        Assert.Equal(10, await reopened.ReadAsync(Count, Ct));
    }

    [Fact]
    public async Task WriteAsync_EachFlush_IsTimedForItsDatabase()
    {
        using var flushes = new MetricCollector<double>(StorageDiagnostics.Meter, StorageDiagnostics.LogFlushDurationName);
        var time = new FakeTimeProvider();
        var logger = new FakeLogger<SqliteDatabase>();
        await using var database = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = Path.Combine(DataDirectory, "timed") }, logger, time);
        database.FlushToDisk = handle =>
        {
            // The disk takes 250 ms by the database's clock.
            time.Advance(TimeSpan.FromMilliseconds(250));
            RandomAccess.FlushToDisk(handle);
        };

        await database.EnsureSchemaAsync("test.items", Items, Ct);
        await InsertAsync(database, 1);

        // Other tests' databases record into the same process-wide meter; this one's carry its path.
        var mine = flushes.GetMeasurementSnapshot().Where(m => Equals(m.Tags[StorageDiagnostics.DatabaseTag], database.DatabasePath)).ToList();
        Assert.NotEmpty(mine);
        Assert.All(mine, m => Assert.Equal(0.25, m.Value, precision: 6));
        Assert.DoesNotContain(logger.Collector.GetSnapshot(), r => r.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task WriteAsync_FlushTakingASecondOrMore_IsLoggedAsAWarningNamingTheDatabase()
    {
        var time = new FakeTimeProvider();
        var logger = new FakeLogger<SqliteDatabase>();
        await using var database = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = Path.Combine(DataDirectory, "slow") }, logger, time);
        await database.EnsureSchemaAsync("test.items", Items, Ct);
        database.FlushToDisk = handle =>
        {
            time.Advance(TimeSpan.FromMilliseconds(1_500));
            RandomAccess.FlushToDisk(handle);
        };

        await InsertAsync(database, 1);

        var warning = Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains(database.DatabasePath, warning.Message, StringComparison.Ordinal);
        Assert.Contains("1,500 ms", warning.Message, StringComparison.Ordinal);
        Assert.Equal(1, await database.ReadAsync(Count, Ct));
    }

    private static Task<long> InsertAsync(SqliteDatabase database, int id) =>
        database.WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"INSERT INTO items (id) VALUES ({id});";
            return (long)command.ExecuteNonQuery();
        }, Ct);

    private static long Count(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM items;";
        return (long)command.ExecuteScalar()!;
    }
}

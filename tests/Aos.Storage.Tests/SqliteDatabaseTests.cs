using Aos.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Aos.Storage.Tests;

public sealed class SqliteDatabaseTests : SqliteTestBase
{
    private static readonly string[] ItemsV1 = ["CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"];

    public override async ValueTask InitializeAsync() => await Database.EnsureSchemaAsync("test.items", ItemsV1, Ct);

    [Fact]
    public async Task WriteAsync_ManyConcurrentWrites_AllCommitted()
    {
        var writes = Enumerable.Range(1, 2000).Select(i => Task.Run(() => InsertAsync(i), Ct));

        var ids = await Task.WhenAll(writes);

        Assert.Equal(Enumerable.Range(1, 2000), ids.Order());
        Assert.Equal(2000, await CountAsync("items"));
    }

    [Fact]
    public async Task WriteAsync_WritesQueuedWhileWriterBusy_CommitInOneBatch()
    {
        using var gate = await WriterGate.CloseAsync(Database);
        var before = Database.CommittedBatches;
        var writes = Enumerable.Range(1, 100).Select(InsertAsync).ToList();

        await gate.OpenAsync();
        await Task.WhenAll(writes);

        Assert.Equal(before + 2, Database.CommittedBatches);
        Assert.Equal(100, await CountAsync("items"));
    }

    [Fact]
    public async Task WriteAsync_QueueLongerThanMaxBatchSize_SplitsIntoBatches()
    {
        await using var database = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = Path.Combine(DataDirectory, "small"), MaxBatchSize = 10 });
        await database.EnsureSchemaAsync("test.items", ItemsV1, Ct);
        using var gate = await WriterGate.CloseAsync(database);
        var before = database.CommittedBatches;
        var writes = Enumerable.Range(1, 35).Select(i => database.WriteAsync(c => Insert(c, i), Ct)).ToList();

        await gate.OpenAsync();
        await Task.WhenAll(writes);

        Assert.Equal(before + 1 + 4, database.CommittedBatches);
    }

    [Fact]
    public async Task WriteAsync_OneOperationThrows_FailsOnlyItsCaller()
    {
        using var gate = await WriterGate.CloseAsync(Database);
        var first = InsertAsync(1);
        var failing = Database.WriteAsync<int>(connection =>
        {
            Insert(connection, 2);
            throw new InvalidOperationException("boom");
        }, Ct);
        var last = InsertAsync(3);

        await gate.OpenAsync();

        Assert.Equal(1, await first);
        Assert.Equal(3, await last);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal("boom", error.Message);
        Assert.Equal(new[] { 1L, 3L }, await ReadIdsAsync());
    }

    [Fact]
    public async Task WriteAsync_SingleOperationThrows_RollsBackItsChanges()
    {
        var failing = Database.WriteAsync<int>(connection =>
        {
            Insert(connection, 7);
            throw new InvalidOperationException("boom");
        }, Ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Empty(await ReadIdsAsync());
        Assert.Equal(8, await InsertAsync(8));
    }

    [Fact]
    public async Task WriteAsync_ConstraintViolationInBatch_FailsOnlyThatWrite()
    {
        await InsertAsync(1);
        using var gate = await WriterGate.CloseAsync(Database);
        var duplicate = InsertAsync(1);
        var fresh = InsertAsync(2);

        await gate.OpenAsync();

        await Assert.ThrowsAsync<SqliteException>(() => duplicate);
        Assert.Equal(2, await fresh);
        Assert.Equal(new[] { 1L, 2L }, await ReadIdsAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WriteAsync_OperationEndsTheBatchTransaction_FailsEveryWriteInTheBatchAndWriterGoesOn(bool replayable)
    {
        using var gate = await WriterGate.CloseAsync(Database);
        var before = Write(connection => Insert(connection, 1));
        var rogue = Write<int>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "ROLLBACK;";
            command.ExecuteNonQuery();
            throw new InvalidOperationException("rolled back");
        });
        var after = InsertAsync(3);

        await gate.OpenAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => rogue);
        await Assert.ThrowsAsync<InvalidOperationException>(() => before);
        await Assert.ThrowsAsync<InvalidOperationException>(() => after);
        Assert.Empty(await ReadIdsAsync());
        Assert.Equal(4, await InsertAsync(4));

        Task<T> Write<T>(Func<SqliteConnection, T> operation) => replayable ? Database.WriteReplayableAsync(operation, Ct) : Database.WriteAsync(operation, Ct);
    }

    [Fact]
    public async Task WriteReplayableAsync_OneOfAGroupThrows_FailsOnlyItsCallerAndReplaysTheOthers()
    {
        using var gate = await WriterGate.CloseAsync(Database);
        var runs = new int[4];
        var first = Database.WriteReplayableAsync(connection => { runs[0]++; return Insert(connection, 1); }, Ct);
        var second = Database.WriteReplayableAsync(connection => { runs[1]++; return Insert(connection, 2); }, Ct);
        var failing = Database.WriteReplayableAsync<int>(connection =>
        {
            runs[2]++;
            Insert(connection, 3);
            throw new InvalidOperationException("boom");
        }, Ct);
        var last = Database.WriteReplayableAsync(connection => { runs[3]++; return Insert(connection, 4); }, Ct);

        await gate.OpenAsync();

        Assert.Equal(1, await first);
        Assert.Equal(2, await second);
        Assert.Equal("boom", (await Assert.ThrowsAsync<InvalidOperationException>(() => failing)).Message);
        Assert.Equal(4, await last);
        Assert.Equal(new[] { 1L, 2L, 4L }, await ReadIdsAsync());

        // The group was rolled back and the two before the failure ran again; the failed one ran once, the one after it once.
        Assert.Equal(new[] { 2, 2, 1, 1 }, runs);
    }

    [Fact]
    public async Task WriteReplayableAsync_GroupFailsBesideOrdinaryWrites_RunsTheOrdinaryWritesOnce()
    {
        using var gate = await WriterGate.CloseAsync(Database);
        var ordinaryRuns = 0;
        var ordinary = Database.WriteAsync(connection => { ordinaryRuns++; return Insert(connection, 1); }, Ct);
        var replayable = Database.WriteReplayableAsync(connection => Insert(connection, 2), Ct);
        var duplicate = Database.WriteReplayableAsync(connection => Insert(connection, 1), Ct);
        var after = Database.WriteAsync(connection => { ordinaryRuns++; return Insert(connection, 3); }, Ct);

        await gate.OpenAsync();

        Assert.Equal(1, await ordinary);
        Assert.Equal(2, await replayable);
        await Assert.ThrowsAsync<SqliteException>(() => duplicate);
        Assert.Equal(3, await after);
        Assert.Equal(2, ordinaryRuns);
        Assert.Equal(new[] { 1L, 2L, 3L }, await ReadIdsAsync());
    }

    [Fact]
    public async Task WriteReplayableAsync_GroupWithoutFailures_CommitsEveryWriteWithoutARollback()
    {
        using var gate = await WriterGate.CloseAsync(Database);
        var rollbacks = Database.Rollbacks;
        var writes = Enumerable.Range(1, 50).Select(i => Database.WriteReplayableAsync(connection => Insert(connection, i), Ct)).ToList();

        await gate.OpenAsync();

        Assert.Equal(Enumerable.Range(1, 50), await Task.WhenAll(writes));
        Assert.Equal(rollbacks, Database.Rollbacks);
        Assert.Equal(50, await CountAsync("items"));
    }

    [Fact]
    public async Task WriteAsync_CancelledWhileQueued_IsCancelledAndNeverRuns()
    {
        using var gate = await WriterGate.CloseAsync(Database);
        using var cts = new CancellationTokenSource();
        var cancelled = Database.WriteAsync(connection => Insert(connection, 1), cts.Token);

        await cts.CancelAsync();
        await gate.OpenAsync();
        var after = await InsertAsync(2);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(2, after);
        Assert.Equal(new[] { 2L }, await ReadIdsAsync());
    }

    [Fact]
    public async Task WriteAsync_AlreadyCancelledToken_ReturnsCancelledTask()
    {
        var task = Database.WriteAsync(connection => Insert(connection, 1), new CancellationToken(canceled: true));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.Empty(await ReadIdsAsync());
    }

    [Fact]
    public async Task DisposeAsync_WritesQueued_CommitsThemBeforeClosing()
    {
        var gate = await WriterGate.CloseAsync(Database);
        var writes = Enumerable.Range(1, 50).Select(InsertAsync).ToList();

        var disposing = Database.DisposeAsync().AsTask();
        await gate.OpenAsync();
        await disposing;

        Assert.Equal(50, (await Task.WhenAll(writes)).Length);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => Database.WriteAsync(connection => Insert(connection, 99), Ct));
        await ReopenAsync();
        Assert.Equal(50, await CountAsync("items"));
    }

    [Fact]
    public async Task DisposeAsync_ThenReopen_KeepsEveryAcknowledgedWrite()
    {
        const int count = 1000;
        await Task.WhenAll(Enumerable.Range(1, count).Select(InsertAsync));

        await ReopenAsync();

        Assert.Equal(count, await CountAsync("items"));
    }

    [Fact]
    public async Task Dispose_Synchronous_DrainsAndCloses()
    {
        var writes = Enumerable.Range(1, 20).Select(InsertAsync).ToList();

        Database.Dispose();

        Assert.All(writes, write => Assert.True(write.IsCompletedSuccessfully));
        await ReopenAsync();
        Assert.Equal(20, await CountAsync("items"));
    }

    [Fact]
    public async Task ReadAsync_AfterWriteCompletes_SeesTheWrite()
    {
        for (var i = 1; i <= 20; i++)
        {
            await InsertAsync(i);
            Assert.Equal(i, await CountAsync("items"));
        }
    }

    [Fact]
    public async Task ReadAsync_AsyncCallback_ReturnsResult()
    {
        await InsertAsync(5);

        var name = await Database.ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT name FROM items WHERE id = 5;";
            return (string?)await command.ExecuteScalarAsync(ct);
        }, Ct);

        Assert.Equal("item-5", name);
    }

    [Fact]
    public async Task ReadAsync_Connection_IsReadOnly()
    {
        var write = Database.ReadAsync(connection => Insert(connection, 1), Ct);

        await Assert.ThrowsAsync<SqliteException>(() => write);
    }

    [Fact]
    public async Task ReadAsync_ManyConcurrentReaders_AllSucceed()
    {
        await Task.WhenAll(Enumerable.Range(1, 100).Select(InsertAsync));

        var counts = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(() => CountAsync("items"), Ct)));

        Assert.All(counts, count => Assert.Equal(100, count));
    }

    [Fact]
    public async Task Constructor_WalAndSynchronousFull_CommitsWithoutSyncAndFlushesTheLogAfterwards()
    {
        var (journalMode, synchronous) = await Database.WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode;";
            var mode = (string)command.ExecuteScalar()!;
            command.CommandText = "PRAGMA synchronous;";
            return (mode, (long)command.ExecuteScalar()!);
        }, Ct);

        // Full durability comes from the flusher thread: the writer commits without syncing and the write completes after the flush.
        Assert.Equal("wal", journalMode);
        Assert.Equal((long)SqliteSynchronousMode.Normal, synchronous);
        Assert.Equal(Database.CommittedBatches, Database.FlushedBatches);
        Assert.True(File.Exists(Path.Combine(DataDirectory, SqliteStorageOptions.FileName)));
    }

    [Fact]
    public void Constructor_MissingDirectory_CreatesIt()
    {
        var nested = Path.Combine(DataDirectory, "a", "b");

        using var database = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = nested });

        Assert.True(File.Exists(Path.Combine(nested, "aos.db")));
        Assert.Equal(Path.Combine(nested, "aos.db"), database.DatabasePath);
    }

    [Theory]
    [InlineData("", 512, 20, "DataDirectory")]
    [InlineData("x", 0, 20, "MaxBatchSize")]
    [InlineData("x", 512, -1, "CheckpointInterval")]
    [InlineData("x", 512, 61_000, "CheckpointInterval")]
    public void Constructor_InvalidOptions_ThrowsNamingTheOption(string directory, int maxBatchSize, int checkpointMs, string option)
    {
        var options = new SqliteStorageOptions { DataDirectory = directory, MaxBatchSize = maxBatchSize, CheckpointInterval = TimeSpan.FromMilliseconds(checkpointMs) };

        var error = Assert.Throws<ArgumentException>(() => new SqliteDatabase(options));

        Assert.Contains(option, error.Message);
    }

    [Theory]
    [InlineData(1024L * 1024 - 1)]
    [InlineData(16L * 1024 * 1024 * 1024 + 1)]
    public void Constructor_WriterCacheSizeOutOfRange_ThrowsNamingTheOptionAndTheRange(long bytes)
    {
        var options = new SqliteStorageOptions { DataDirectory = DataDirectory, WriterCacheSize = bytes };

        var error = Assert.Throws<ArgumentException>(() => new SqliteDatabase(options));

        Assert.Contains("WriterCacheSize", error.Message, StringComparison.Ordinal);
        Assert.Contains("between 1,048,576 (1 MiB) and", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, -32768L)]
    [InlineData(4L * 1024 * 1024, -4096L)]
    public async Task WriteAsync_TheWriterConnection_HasTheConfiguredCache(long? bytes, long expectedPragma)
    {
        var options = new SqliteStorageOptions { DataDirectory = Path.Combine(DataDirectory, "cache") };
        if (bytes is { } size)
        {
            options.WriterCacheSize = size;
        }

        await using var database = new SqliteDatabase(options);

        var cacheSize = await database.WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA cache_size;";
            return (long)command.ExecuteScalar()!;
        }, Ct);

        Assert.Equal(expectedPragma, cacheSize);
    }

    [Fact]
    public async Task EnsureSchemaAsync_CalledAgainAndAfterReopen_RunsEachMigrationOnce()
    {
        await Database.EnsureSchemaAsync("test.items", ItemsV1, Ct);
        await ReopenAsync();

        await Database.EnsureSchemaAsync("test.items", ItemsV1, Ct);

        Assert.Equal(1, await SchemaVersionAsync("test.items"));
    }

    [Fact]
    public async Task EnsureSchemaAsync_NewMigrationAppended_RunsOnlyTheNewOne()
    {
        await InsertAsync(1);
        await ReopenAsync();
        string[] itemsV2 = [.. ItemsV1, "ALTER TABLE items ADD COLUMN size INTEGER NOT NULL DEFAULT 0;"];

        await Database.EnsureSchemaAsync("test.items", itemsV2, Ct);

        Assert.Equal(2, await SchemaVersionAsync("test.items"));
        Assert.Equal(1, await CountAsync("items WHERE size = 0"));
    }

    [Fact]
    public async Task EnsureSchemaAsync_DatabaseNewerThanBuild_Throws()
    {
        string[] itemsV2 = [.. ItemsV1, "ALTER TABLE items ADD COLUMN size INTEGER;"];
        await ReopenAsync();
        await Database.EnsureSchemaAsync("test.items", itemsV2, Ct);
        await ReopenAsync();

        var error = await Assert.ThrowsAsync<AosException>(() => Database.EnsureSchemaAsync("test.items", ItemsV1, Ct));

        Assert.Contains("version 2", error.Message);
    }

    [Fact]
    public async Task EnsureSchemaAsync_FailingMigration_ChangesNothingAndCanBeRetried()
    {
        string[] broken = ["CREATE TABLE other (id INTEGER PRIMARY KEY);", "THIS IS NOT SQL;"];

        await Assert.ThrowsAsync<SqliteException>(() => Database.EnsureSchemaAsync("test.other", broken, Ct));

        Assert.Equal(0, await CountAsync("sqlite_master WHERE name = 'other'"));
        await Database.EnsureSchemaAsync("test.other", [broken[0]], Ct);
        Assert.Equal(1, await SchemaVersionAsync("test.other"));
    }

    private Task<int> InsertAsync(int id) => Database.WriteAsync(connection => Insert(connection, id), Ct);

    private static int Insert(SqliteConnection connection, int id)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO items (id, name) VALUES ($id, $name);";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$name", $"item-{id}");
        command.ExecuteNonQuery();
        return id;
    }

    private Task<long[]> ReadIdsAsync() =>
        Database.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT id FROM items ORDER BY id;";
            using var reader = command.ExecuteReader();
            var ids = new List<long>();
            while (reader.Read())
            {
                ids.Add(reader.GetInt64(0));
            }

            return ids.ToArray();
        }, Ct);

    private Task<long> SchemaVersionAsync(string component) =>
        Database.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT version FROM schema_version WHERE component = $c;";
            command.Parameters.AddWithValue("$c", component);
            return (long)command.ExecuteScalar()!;
        }, Ct);
}

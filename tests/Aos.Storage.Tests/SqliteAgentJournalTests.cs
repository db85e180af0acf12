using Aos.Conformance.Kernel;
using Aos.Storage.Sqlite;
using Aos.Storage.Tests.Kernel;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Aos.Storage.Tests;

/// <summary>Runs the agent journal conformance kit on the embedded database.</summary>
public sealed class SqliteAgentJournalTests : AgentJournalConformanceTests
{
    private readonly SqliteKernelStorage _storage = new();

    [Fact]
    public async Task AppendAsync_AfterAnAppendWasRolledBack_ContinuesTheSequenceWithoutAGap()
    {
        var database = _storage.Database;
        var journal = new SqliteAgentJournal(database);
        var agent = AgentId.Parse("rolled-back");
        var at = DateTimeOffset.UnixEpoch;
        await journal.AppendAsync(agent, JournalKind.History, ["1", "2"], at, keep: 100, TestContext.Current.CancellationToken);

        // An append that ran inside a write which then failed: its rows are rolled back, and so must be what the journal remembered.
        using (var gate = await WriterGate.CloseAsync(database))
        {
            var failing = database.WriteReplayableAsync<long>(connection =>
            {
                new SqliteAgentJournal.Append(database, agent.Value, (int)JournalKind.History, ["lost"], 0, 100).Execute(connection);
                throw new InvalidOperationException("the rest of the turn failed");
            }, TestContext.Current.CancellationToken);
            var other = journal.AppendAsync(AgentId.Parse("other"), JournalKind.History, ["x"], at, keep: 100, TestContext.Current.CancellationToken).AsTask();
            await gate.OpenAsync();
            await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
            await other;
        }

        await journal.AppendAsync(agent, JournalKind.History, ["3"], at, keep: 100, TestContext.Current.CancellationToken);

        var entries = await journal.ReadAsync(agent, JournalKind.History, 10, TestContext.Current.CancellationToken);
        Assert.Equal(["1", "2", "3"], entries.OrderBy(e => e.Sequence).Select(e => e.Data));
        Assert.Equal([1L, 2L, 3L], entries.Select(e => e.Sequence).Order());
    }

    [Fact]
    public async Task AppendAsync_OnAJournalOfTheFirstSchema_KeepsItsEntriesAndContinuesTheirSequence()
    {
        var database = _storage.Database;
        var ct = TestContext.Current.CancellationToken;
        await database.EnsureSchemaAsync(SqliteAgentJournal.SchemaComponent, SqliteAgentJournal.Migrations[..1], ct);
        await database.WriteAsync(connection =>
        {
            using var insert = connection.CreateCommand();
            insert.CommandText =
                "INSERT INTO agent_journal (agent_id, kind, seq, at, data) VALUES " +
                "('old', 0, 1, 10, 'a'), ('old', 0, 2, 20, 'b'), ('old', 1, 1, 15, 'm'), ('other', 0, 7, 5, 'z');";
            return insert.ExecuteNonQuery();
        }, ct);

        // A fresh database object, as after an upgrade: the journal migrates the table before its first statement.
        var upgraded = await _storage.ReopenAsync();
        var journal = new SqliteAgentJournal(upgraded);
        var old = AgentId.Parse("old");
        await journal.AppendAsync(old, JournalKind.History, ["c"], DateTimeOffset.FromUnixTimeMilliseconds(30), keep: 3, ct);
        await journal.AppendAsync(old, JournalKind.History, ["d"], DateTimeOffset.FromUnixTimeMilliseconds(40), keep: 3, ct);

        var history = await journal.ReadAsync(old, JournalKind.History, 10, ct);
        Assert.Equal(["b", "c", "d"], history.Select(e => e.Data));
        Assert.Equal([2L, 3L, 4L], history.Select(e => e.Sequence));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(20), history[0].Timestamp);
        Assert.Equal(["m"], (await journal.ReadAsync(old, JournalKind.Memory, 10, ct)).Select(e => e.Data));
        Assert.Equal([7L], (await journal.ReadAsync(AgentId.Parse("other"), JournalKind.History, 10, ct)).Select(e => e.Sequence));
        await Assert.ThrowsAsync<SqliteException>(() => upgraded.WriteAsync(connection =>
        {
            using var duplicate = connection.CreateCommand();
            duplicate.CommandText = "INSERT INTO agent_journal_lists (agent_id, kind, seq, id) VALUES ('old', 0, 2, 99);";
            return duplicate.ExecuteNonQuery();
        }, ct));
    }

    [Fact]
    public async Task ReadAsync_EntriesOnBothSidesOfTheIndexMark_ReturnsTheNewestInOrder()
    {
        var ct = TestContext.Current.CancellationToken;
        _storage.Database.JournalIndexBatch = 1000;
        var journal = new SqliteAgentJournal(_storage.Database);
        var alice = AgentId.Parse("alice");
        await journal.AppendAsync(alice, JournalKind.History, ["1", "2", "3"], DateTimeOffset.UnixEpoch, keep: 100, ct);
        await journal.AppendAsync(AgentId.Parse("bob"), JournalKind.History, ["b"], DateTimeOffset.UnixEpoch, keep: 100, ct);
        await journal.IndexAsync(ct);
        await journal.AppendAsync(alice, JournalKind.History, ["4", "5"], DateTimeOffset.UnixEpoch, keep: 100, ct);

        Assert.Equal(["1", "2", "3", "4", "5"], (await journal.ReadAsync(alice, JournalKind.History, 10, ct)).Select(e => e.Data));
        Assert.Equal([3L, 4L, 5L], (await journal.ReadAsync(alice, JournalKind.History, 3, ct)).Select(e => e.Sequence));
        Assert.Equal(2, await CountRowsAsync("agent_journal") - await CountRowsAsync("agent_journal_lists"));
    }

    [Fact]
    public async Task AppendAsync_PastKeepBeforeTheListIsIndexed_ReadsOnlyTheNewestKeepAndDeletesTheRestWhenIndexed()
    {
        var ct = TestContext.Current.CancellationToken;
        _storage.Database.JournalIndexBatch = 1000;
        var journal = new SqliteAgentJournal(_storage.Database);
        var alice = AgentId.Parse("alice");
        for (var i = 1; i <= 6; i++)
        {
            await journal.AppendAsync(alice, JournalKind.Memory, [$"{i}"], DateTimeOffset.UnixEpoch, keep: 4, ct);
        }

        Assert.Equal(["3", "4", "5", "6"], (await journal.ReadAsync(alice, JournalKind.Memory, 100, ct)).Select(e => e.Data));
        Assert.Equal(6, await CountRowsAsync("agent_journal"));

        await journal.IndexAsync(ct);

        Assert.Equal(["3", "4", "5", "6"], (await journal.ReadAsync(alice, JournalKind.Memory, 100, ct)).Select(e => e.Data));
        Assert.Equal(4, await CountRowsAsync("agent_journal"));
        Assert.Equal(4, await CountRowsAsync("agent_journal_lists"));
    }

    [Fact]
    public async Task AppendAsync_PastTheBatchOfUnindexedRows_IndexesTheListWithTheOldestOfThem()
    {
        var ct = TestContext.Current.CancellationToken;
        _storage.Database.JournalIndexBatch = 4;
        var journal = new SqliteAgentJournal(_storage.Database);
        for (var i = 1; i <= 9; i++)
        {
            await journal.AppendAsync(AgentId.Parse($"agent-{i % 3}"), JournalKind.History, [$"{i}"], DateTimeOffset.UnixEpoch, keep: 2, ct);
        }

        // Whenever more than four rows were unindexed, the list with the oldest of them was indexed: agent-1's rows 1 and 4 after the
        // 5th row, agent-2's 2 and 5 after the 7th, agent-0's 3, 6 and 9 after the 9th, trimmed to its newest two. Rows 7 and 8 wait.
        Assert.Equal(6, await CountRowsAsync("agent_journal_lists"));
        Assert.Equal(8, await CountRowsAsync("agent_journal"));
        Assert.Equal(["4", "7"], (await journal.ReadAsync(AgentId.Parse("agent-1"), JournalKind.History, 10, ct)).Select(e => e.Data));
        Assert.Equal(["6", "9"], (await journal.ReadAsync(AgentId.Parse("agent-0"), JournalKind.History, 10, ct)).Select(e => e.Data));
    }

    [Fact]
    public async Task AppendAsync_AfterARestartWithAnUnindexedTail_ContinuesEverySequence()
    {
        var ct = TestContext.Current.CancellationToken;
        var alice = AgentId.Parse("alice");
        await new SqliteAgentJournal(_storage.Database).AppendAsync(alice, JournalKind.History, ["1", "2"], DateTimeOffset.UnixEpoch, keep: 100, ct);

        var journal = new SqliteAgentJournal(await _storage.ReopenAsync());
        await journal.AppendAsync(alice, JournalKind.History, ["3"], DateTimeOffset.UnixEpoch, keep: 100, ct);

        Assert.Equal([1L, 2L, 3L], (await journal.ReadAsync(alice, JournalKind.History, 10, ct)).Select(e => e.Sequence));
    }

    [Fact]
    public async Task AppendAsync_AfterAnotherDatabaseOnTheSameFileAppended_NumbersAfterItsEntries()
    {
        var ct = TestContext.Current.CancellationToken;
        var alice = AgentId.Parse("alice");
        var first = new SqliteAgentJournal(_storage.Database);
        await first.AppendAsync(alice, JournalKind.History, ["1", "2"], DateTimeOffset.UnixEpoch, keep: 100, ct);
        await using (var other = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = Path.GetDirectoryName(_storage.Database.DatabasePath)! }))
        {
            await new SqliteAgentJournal(other).AppendAsync(alice, JournalKind.History, ["3"], DateTimeOffset.UnixEpoch, keep: 100, ct);
        }

        await first.AppendAsync(alice, JournalKind.History, ["4"], DateTimeOffset.UnixEpoch, keep: 100, ct);

        var entries = await first.ReadAsync(alice, JournalKind.History, 10, ct);
        Assert.Equal([1L, 2L, 3L, 4L], entries.Select(e => e.Sequence));
        Assert.Equal(["1", "2", "3", "4"], entries.Select(e => e.Data));
    }

    [Fact]
    public async Task AppendAsync_AfterDeletingTheNewestIndexedRows_IsFoundByReads()
    {
        var ct = TestContext.Current.CancellationToken;
        _storage.Database.JournalIndexBatch = 1000;
        var journal = new SqliteAgentJournal(_storage.Database);
        await journal.AppendAsync(AgentId.Parse("alice"), JournalKind.History, ["a"], DateTimeOffset.UnixEpoch, keep: 100, ct);
        await journal.AppendAsync(AgentId.Parse("bob"), JournalKind.History, ["b1", "b2"], DateTimeOffset.UnixEpoch, keep: 100, ct);
        await journal.IndexAsync(ct);

        // Bob's rows were the newest: the next row reuses their ids, which must count as not yet indexed.
        await journal.DeleteAsync(AgentId.Parse("bob"), ct);
        await journal.AppendAsync(AgentId.Parse("carol"), JournalKind.History, ["c"], DateTimeOffset.UnixEpoch, keep: 100, ct);

        Assert.Equal(["c"], (await journal.ReadAsync(AgentId.Parse("carol"), JournalKind.History, 10, ct)).Select(e => e.Data));
        Assert.Empty(await journal.ReadAsync(AgentId.Parse("bob"), JournalKind.History, 10, ct));
        await journal.IndexAsync(ct);
        Assert.Equal(["c"], (await journal.ReadAsync(AgentId.Parse("carol"), JournalKind.History, 10, ct)).Select(e => e.Data));
        Assert.Equal(["a"], (await journal.ReadAsync(AgentId.Parse("alice"), JournalKind.History, 10, ct)).Select(e => e.Data));
    }

    protected override async ValueTask CompactAsync()
    {
        await new SqliteAgentJournal(_storage.Database).IndexAsync(TestContext.Current.CancellationToken);
    }

    // A small batch, so that the kit's lists span the index and the tail.
    protected override ValueTask<IAgentJournal> OpenAsync() => new(new SqliteAgentJournal(WithSmallBatches(_storage.Database)));

    protected override async ValueTask<IAgentJournal> ReopenAsync() => new SqliteAgentJournal(WithSmallBatches(await _storage.ReopenAsync()));

    private static SqliteDatabase WithSmallBatches(SqliteDatabase database)
    {
        database.JournalIndexBatch = 3;
        return database;
    }

    protected override ValueTask<long> CountRowsAsync(string table) => _storage.CountRowsAsync(table);

    protected override ValueTask DisposeStorageAsync() => _storage.DisposeAsync();
}

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
            duplicate.CommandText = "INSERT INTO agent_journal (agent_id, kind, seq, at, data) VALUES ('old', 0, 4, 50, 'again');";
            return duplicate.ExecuteNonQuery();
        }, ct));
    }

    protected override ValueTask<IAgentJournal> OpenAsync() => new(new SqliteAgentJournal(_storage.Database));

    protected override async ValueTask<IAgentJournal> ReopenAsync() => new SqliteAgentJournal(await _storage.ReopenAsync());

    protected override ValueTask<long> CountRowsAsync(string table) => _storage.CountRowsAsync(table);

    protected override ValueTask DisposeStorageAsync() => _storage.DisposeAsync();
}

using Aos.Conformance.Kernel;
using Aos.Storage.Sqlite;
using Aos.Storage.Tests.Kernel;
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

    protected override ValueTask<IAgentJournal> OpenAsync() => new(new SqliteAgentJournal(_storage.Database));

    protected override async ValueTask<IAgentJournal> ReopenAsync() => new SqliteAgentJournal(await _storage.ReopenAsync());

    protected override ValueTask<long> CountRowsAsync(string table) => _storage.CountRowsAsync(table);

    protected override ValueTask DisposeStorageAsync() => _storage.DisposeAsync();
}

using Aos.Storage;

namespace Aos.Conformance.Kernel;

/// <summary>Defines the behaviour every <see cref="Aos.Storage.IAgentJournal"/> must have.</summary>
public abstract class AgentJournalConformanceTests : KernelStoreConformanceTests<Aos.Storage.IAgentJournal>
{
    private static readonly AgentId Alice = AgentId.Parse("alice");
    private static readonly AgentId Bob = AgentId.Parse("bob");
    private static readonly DateTimeOffset Noon = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Deletes now the entries the store deletes some time after they fell out of their list's <c>keep</c>; none by default.</summary>
    protected virtual ValueTask CompactAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task AppendAsync_Entries_AreNumberedFromOneInOrder()
    {
        await Store.AppendAsync(Alice, JournalKind.History, ["\"a\"", "\"b\""], Noon, 100, Ct);
        await Store.AppendAsync(Alice, JournalKind.History, ["\"c\""], Noon.AddSeconds(1), 100, Ct);

        var entries = await Store.ReadAsync(Alice, JournalKind.History, 10, Ct);

        Assert.Equal([1L, 2L, 3L], entries.Select(e => e.Sequence));
        Assert.Equal(["\"a\"", "\"b\"", "\"c\""], entries.Select(e => e.Data));
        Assert.Equal([Noon, Noon, Noon.AddSeconds(1)], entries.Select(e => e.Timestamp));
    }

    [Fact]
    public async Task AppendAsync_BeyondKeep_DropsTheOldest()
    {
        for (var i = 1; i <= 10; i++)
        {
            await Store.AppendAsync(Alice, JournalKind.Memory, [$"{i}"], Noon, 4, Ct);
        }

        var entries = await Store.ReadAsync(Alice, JournalKind.Memory, 100, Ct);

        Assert.Equal([7L, 8L, 9L, 10L], entries.Select(e => e.Sequence));
        await CompactAsync();
        Assert.Equal(4, await CountRowsAsync("agent_journal"));
    }

    [Fact]
    public async Task AppendAsync_BatchLargerThanKeep_KeepsTheNewestOfTheBatch()
    {
        await Store.AppendAsync(Alice, JournalKind.History, ["1", "2", "3", "4", "5"], Noon, 2, Ct);

        var entries = await Store.ReadAsync(Alice, JournalKind.History, 100, Ct);

        Assert.Equal(["4", "5"], entries.Select(e => e.Data));
    }

    [Fact]
    public async Task AppendAsync_AfterTrim_SequenceKeepsGrowing()
    {
        await Store.AppendAsync(Alice, JournalKind.History, ["1", "2", "3"], Noon, 1, Ct);

        await Store.AppendAsync(Alice, JournalKind.History, ["4"], Noon, 1, Ct);

        Assert.Equal(4L, Assert.Single(await Store.ReadAsync(Alice, JournalKind.History, 10, Ct)).Sequence);
    }

    [Fact]
    public async Task AppendAsync_ConcurrentAppendsToOneList_GetDistinctSequences()
    {
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Store.AppendAsync(Alice, JournalKind.History, [$"{i}"], Noon, 1000, Ct).AsTask()));

        var entries = await Store.ReadAsync(Alice, JournalKind.History, 1000, Ct);

        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), entries.Select(e => e.Sequence));
        Assert.Equal(200, entries.Select(e => e.Data).Distinct().Count());
    }

    [Fact]
    public async Task AppendAsync_NoEntries_DoesNothing()
    {
        await Store.AppendAsync(Alice, JournalKind.History, [], Noon, 10, Ct);

        Assert.Empty(await Store.ReadAsync(Alice, JournalKind.History, 10, Ct));
    }

    [Fact]
    public async Task AppendAsync_KeepBelowOne_Throws()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.AppendAsync(Alice, JournalKind.History, ["1"], Noon, 0, Ct).AsTask());
    }

    [Fact]
    public async Task ReadAsync_Limit_ReturnsTheNewestOldestFirst()
    {
        await Store.AppendAsync(Alice, JournalKind.Decisions, ["1", "2", "3", "4", "5"], Noon, 100, Ct);

        var entries = await Store.ReadAsync(Alice, JournalKind.Decisions, 3, Ct);

        Assert.Equal(["3", "4", "5"], entries.Select(e => e.Data));
    }

    [Fact]
    public async Task ReadAsync_NothingAppended_ReturnsEmpty()
    {
        Assert.Empty(await Store.ReadAsync(Bob, JournalKind.History, 10, Ct));
        Assert.Empty(await Store.ReadAsync(Bob, JournalKind.History, 0, Ct));
    }

    [Fact]
    public async Task AppendAsync_DifferentAgentsAndKinds_AreIndependentLists()
    {
        await Store.AppendAsync(Alice, JournalKind.History, ["a-h1", "a-h2"], Noon, 1, Ct);
        await Store.AppendAsync(Alice, JournalKind.Memory, ["a-m1"], Noon, 10, Ct);
        await Store.AppendAsync(Bob, JournalKind.History, ["b-h1"], Noon, 10, Ct);

        Assert.Equal(["a-h2"], (await Store.ReadAsync(Alice, JournalKind.History, 10, Ct)).Select(e => e.Data));
        Assert.Equal(["a-m1"], (await Store.ReadAsync(Alice, JournalKind.Memory, 10, Ct)).Select(e => e.Data));
        var bob = Assert.Single(await Store.ReadAsync(Bob, JournalKind.History, 10, Ct));
        Assert.Equal(("b-h1", 1L), (bob.Data, bob.Sequence));
        Assert.Empty(await Store.ReadAsync(Bob, JournalKind.Memory, 10, Ct));
    }

    [Fact]
    public async Task DeleteAsync_Agent_RemovesEveryListOfThatAgentOnly()
    {
        await Store.AppendAsync(Alice, JournalKind.History, ["1"], Noon, 10, Ct);
        await Store.AppendAsync(Alice, JournalKind.Decisions, ["2"], Noon, 10, Ct);
        await Store.AppendAsync(Bob, JournalKind.History, ["3"], Noon, 10, Ct);

        await Store.DeleteAsync(Alice, Ct);

        Assert.Empty(await Store.ReadAsync(Alice, JournalKind.History, 10, Ct));
        Assert.Empty(await Store.ReadAsync(Alice, JournalKind.Decisions, 10, Ct));
        Assert.Single(await Store.ReadAsync(Bob, JournalKind.History, 10, Ct));
    }

    [Fact]
    public async Task AppendAsync_AfterReopen_EntriesAreStillThere()
    {
        await Store.AppendAsync(Alice, JournalKind.History, ["kept"], Noon, 10, Ct);

        await RestartAsync();

        Assert.Equal("kept", Assert.Single(await Store.ReadAsync(Alice, JournalKind.History, 10, Ct)).Data);
    }

    [Fact]
    public async Task AppendAsync_ByTwoNodesAtOnceToOneList_KeepsEveryBatchWholeInOrderAndTrimsToKeep()
    {
        var other = await OpenAsync();

        await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            (i % 2 == 0 ? Store : other).AppendAsync(Alice, JournalKind.History, [$"{i}a", $"{i}b"], Noon, 50, Ct).AsTask()));

        var entries = await Store.ReadAsync(Alice, JournalKind.History, 1000, Ct);
        Assert.Equal(Enumerable.Range(151, 50).Select(i => (long)i), entries.Select(e => e.Sequence));
        for (var i = 0; i < entries.Count; i += 2)
        {
            Assert.EndsWith("a", entries[i].Data, StringComparison.Ordinal);
            Assert.Equal(entries[i].Data[..^1] + "b", entries[i + 1].Data);
        }

        await CompactAsync();
        Assert.Equal(50, await CountRowsAsync("agent_journal"));
    }

    [Fact]
    public async Task AppendAsync_ByTwoNodesInTurn_ContinuesTheOtherNodesNumbers()
    {
        var other = await OpenAsync();

        await Store.AppendAsync(Alice, JournalKind.Memory, ["1", "2"], Noon, 10, Ct);
        await other.AppendAsync(Alice, JournalKind.Memory, ["3"], Noon, 10, Ct);
        await Store.AppendAsync(Alice, JournalKind.Memory, ["4"], Noon, 10, Ct);

        var entries = await other.ReadAsync(Alice, JournalKind.Memory, 10, Ct);
        Assert.Equal([1L, 2L, 3L, 4L], entries.Select(e => e.Sequence));
        Assert.Equal(["1", "2", "3", "4"], entries.Select(e => e.Data));
    }
}

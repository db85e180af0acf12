using Aos.Storage;

namespace Aos.Conformance.Kernel;

/// <summary>Defines the behaviour every <see cref="IAgentOutbox"/> must have.</summary>
public abstract class AgentOutboxConformanceTests : KernelStoreConformanceTests<IAgentOutbox>
{
    private static readonly AgentId Alice = AgentId.Parse("alice");
    private static readonly AgentId Bob = AgentId.Parse("bob");

    [Fact]
    public async Task AddAsync_FromSeveralAgents_ReadsBackOldestFirstWithIncreasingSequences()
    {
        await Store.AddAsync(Alice, ["a1", "a2"], Ct);
        await Store.AddAsync(Bob, ["b1"], Ct);
        await Store.AddAsync(Alice, ["a3"], Ct);

        var entries = await Store.ReadAsync(10, Ct);

        Assert.Equal(["a1", "a2", "b1", "a3"], entries.Select(e => e.Envelope));
        Assert.Equal([Alice, Alice, Bob, Alice], entries.Select(e => e.AgentId));
        Assert.Equal(entries.Select(e => e.Sequence).Order(), entries.Select(e => e.Sequence));
        Assert.Equal(4, entries.Select(e => e.Sequence).Distinct().Count());
    }

    [Fact]
    public async Task AddAsync_NoEnvelopes_AddsNothing()
    {
        await Store.AddAsync(Alice, [], Ct);

        Assert.Empty(await Store.ReadAsync(10, Ct));
    }

    [Fact]
    public async Task ReadAsync_Limit_ReturnsTheOldestAndRemovesNothing()
    {
        await Store.AddAsync(Alice, ["1", "2", "3", "4"], Ct);

        Assert.Equal(["1", "2"], (await Store.ReadAsync(2, Ct)).Select(e => e.Envelope));
        Assert.Equal(["1", "2"], (await Store.ReadAsync(2, Ct)).Select(e => e.Envelope));
    }

    [Fact]
    public async Task ReadAsync_LimitBelowOne_Throws()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Store.ReadAsync(0, Ct));
    }

    [Fact]
    public async Task RemoveAsync_Sequences_RemovesOnlyThoseAndToleratesOnesAlreadyGone()
    {
        await Store.AddAsync(Alice, ["1", "2", "3"], Ct);
        var entries = await Store.ReadAsync(10, Ct);

        await Store.RemoveAsync([entries[0].Sequence, entries[2].Sequence], Ct);
        await Store.RemoveAsync([entries[0].Sequence, 999_999], Ct);
        await Store.RemoveAsync([], Ct);

        Assert.Equal(["2"], (await Store.ReadAsync(10, Ct)).Select(e => e.Envelope));
        Assert.Equal(1, await CountRowsAsync("agent_outbox"));
    }

    [Fact]
    public async Task AddAsync_AfterEverythingWasRemoved_NeverReusesASequence()
    {
        await Store.AddAsync(Alice, ["1", "2"], Ct);
        var first = await Store.ReadAsync(10, Ct);
        await Store.RemoveAsync([.. first.Select(e => e.Sequence)], Ct);

        await Store.AddAsync(Alice, ["3"], Ct);

        Assert.True(Assert.Single(await Store.ReadAsync(10, Ct)).Sequence > first.Max(e => e.Sequence));
    }

    [Fact]
    public async Task AddAsync_AfterRestart_EntriesAreStillThere()
    {
        await Store.AddAsync(Alice, ["kept"], Ct);

        await RestartAsync();

        Assert.Equal("kept", Assert.Single(await Store.ReadAsync(10, Ct)).Envelope);
    }

    [Fact]
    public async Task AddAsync_ByTwoNodesAtOnce_KeepsEverySendersOrder()
    {
        var other = await OpenAsync();
        var senders = Enumerable.Range(0, 8).Select(i => AgentId.Parse($"sender-{i}")).ToList();

        // Each sender adds one batch after the other, as an agent's turns do; the senders run at once on two nodes.
        await Task.WhenAll(senders.Select(async (sender, i) =>
        {
            var node = i % 2 == 0 ? Store : other;
            for (var turn = 0; turn < 10; turn++)
            {
                await node.AddAsync(sender, [$"{turn:D2}-a", $"{turn:D2}-b"], Ct);
            }
        }));

        var entries = await Store.ReadAsync(1000, Ct);
        Assert.Equal(160, entries.Count);
        foreach (var sender in senders)
        {
            var sent = entries.Where(e => e.AgentId == sender).Select(e => e.Envelope).ToList();
            Assert.Equal(sent.Order(StringComparer.Ordinal), sent);
            Assert.Equal(20, sent.Count);
        }
    }

    [Fact]
    public async Task ReadAndRemove_ByTwoNodesAtOnce_RemovesEveryEntry()
    {
        var other = await OpenAsync();
        await Store.AddAsync(Alice, [.. Enumerable.Range(0, 200).Select(i => $"{i}")], Ct);

        async Task DrainAsync(IAgentOutbox node)
        {
            while (await node.ReadAsync(16, Ct) is { Count: > 0 } batch)
            {
                await node.RemoveAsync([.. batch.Select(e => e.Sequence)], Ct);
            }
        }

        await Task.WhenAll(DrainAsync(Store), DrainAsync(other));

        Assert.Empty(await Store.ReadAsync(10, Ct));
        Assert.Equal(0, await CountRowsAsync("agent_outbox"));
    }
}

using Aos.Storage;

namespace Aos.Conformance.Kernel;

/// <summary>Defines the behaviour every <see cref="IProcessedMessageLog"/> must have.</summary>
public abstract class ProcessedMessageLogConformanceTests : KernelStoreConformanceTests<IProcessedMessageLog>
{
    private static readonly AgentId Alice = AgentId.Parse("alice");
    private static readonly AgentId Bob = AgentId.Parse("bob");
    private static readonly DateTimeOffset Noon = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ContainsAsync_AfterAdd_IsTrueForThatAgentAndMessageOnly()
    {
        await Store.AddAsync(Alice, "m1", Noon, Ct);

        Assert.True(await Store.ContainsAsync(Alice, "m1", Ct));
        Assert.False(await Store.ContainsAsync(Bob, "m1", Ct));
        Assert.False(await Store.ContainsAsync(Alice, "m2", Ct));
    }

    [Fact]
    public async Task AddAsync_Twice_KeepsOneRecordWithTheFirstTime()
    {
        await Store.AddAsync(Alice, "m1", Noon, Ct);
        await Store.AddAsync(Alice, "m1", Noon.AddHours(2), Ct);

        Assert.Equal(1, await CountRowsAsync("agent_processed"));
        Assert.Equal(1, await Store.PruneAsync(Noon.AddHours(1), Ct));
        Assert.False(await Store.ContainsAsync(Alice, "m1", Ct));
    }

    [Fact]
    public async Task PruneAsync_Before_ForgetsOnlyOlderRecordsAndCountsThem()
    {
        await Store.AddAsync(Alice, "old-1", Noon.AddMinutes(-2), Ct);
        await Store.AddAsync(Bob, "old-2", Noon.AddMinutes(-1), Ct);
        await Store.AddAsync(Alice, "edge", Noon, Ct);
        await Store.AddAsync(Bob, "new", Noon.AddMinutes(1), Ct);

        Assert.Equal(2, await Store.PruneAsync(Noon, Ct));

        Assert.False(await Store.ContainsAsync(Alice, "old-1", Ct));
        Assert.False(await Store.ContainsAsync(Bob, "old-2", Ct));
        Assert.True(await Store.ContainsAsync(Alice, "edge", Ct));
        Assert.True(await Store.ContainsAsync(Bob, "new", Ct));
        Assert.Equal(0, await Store.PruneAsync(Noon, Ct));
    }

    [Fact]
    public async Task AddAsync_AfterRestart_RecordIsStillThere()
    {
        await Store.AddAsync(Alice, "kept", Noon, Ct);

        await RestartAsync();

        Assert.True(await Store.ContainsAsync(Alice, "kept", Ct));
    }

    [Fact]
    public async Task AddAsync_SameMessagesByTwoNodesAtOnce_RecordsEachOnce()
    {
        var other = await OpenAsync();
        var ids = Enumerable.Range(0, 50).Select(i => $"m{i}").ToList();

        await Task.WhenAll(ids.SelectMany(id => new[] { Store.AddAsync(Alice, id, Noon, Ct).AsTask(), other.AddAsync(Alice, id, Noon, Ct).AsTask() }));

        Assert.Equal(ids.Count, await CountRowsAsync("agent_processed"));
        foreach (var id in ids)
        {
            Assert.True(await other.ContainsAsync(Alice, id, Ct));
        }
    }
}

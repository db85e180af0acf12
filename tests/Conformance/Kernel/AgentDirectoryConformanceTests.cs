using System.Text.Json;
using Aos.Agents;
using Aos.Registry;
using Aos.Security;

namespace Aos.Conformance.Kernel;

/// <summary>Defines the behaviour every <see cref="IAgentDirectory"/> must have.</summary>
public abstract partial class AgentDirectoryConformanceTests : KernelStoreConformanceTests<IAgentDirectory>
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();

        // The tables are created on first use; create them now so tests can count rows after refused adds.
        await Store.GetAsync(AgentId.Parse("none"), Ct);
    }

    [Fact]
    public async Task AddAsync_NewAgents_AddsEveryOneAsSleeping()
    {
        var added = await Store.AddAsync([Agent("a1", "worker", ["search"], ["news"]), Agent("a2", "critic")], Ct);

        Assert.Empty(added);
        var record = await Store.GetAsync(AgentId.Parse("a1"), Ct);
        Assert.NotNull(record);
        Assert.Equal(AgentStatus.Sleeping, record.Status);
        Assert.Null(record.StatusReason);
        Assert.Null(record.Silo);
        Assert.Equal("a1", record.Descriptor.Id.Value);
        Assert.Equal("worker", record.Descriptor.Type);
        Assert.Equal(["search"], record.Descriptor.Capabilities);
        Assert.Equal(["news"], record.Descriptor.Subscriptions);
        Assert.NotNull(await Store.GetAsync(AgentId.Parse("a2"), Ct));
    }

    [Fact]
    public async Task AddAsync_FullDescriptor_RoundTripsEveryField()
    {
        var created = new DateTimeOffset(2029, 5, 6, 7, 8, 9, 123, TimeSpan.Zero);
        var descriptor = Agent("full", "planner", ["plan", "review"], ["t1", "t2"]) with
        {
            Version = "3",
            Purpose = "Plans things.",
            Config = new Dictionary<string, JsonElement>
            {
                ["model"] = JsonElement.Parse("\"gpt\""),
                ["limits"] = JsonElement.Parse("""{"turns":5,"tools":["a","b"]}"""),
            },
            CreatedAt = created,
        };

        await Store.AddAsync([descriptor], Ct);
        var stored = (await Store.GetAsync(descriptor.Id, Ct))!.Descriptor;

        Assert.Equal("3", stored.Version);
        Assert.Equal("Plans things.", stored.Purpose);
        Assert.Equal(created, stored.CreatedAt);
        Assert.Equal(["plan", "review"], stored.Capabilities);
        Assert.Equal(["t1", "t2"], stored.Subscriptions);
        Assert.Equal("gpt", stored.Config["model"].GetString());
        Assert.Equal(5, stored.Config["limits"].GetProperty("turns").GetInt32());
    }

    [Fact]
    public async Task AddAsync_NoCreationTime_StampsTheCurrentTime()
    {
        await Store.AddAsync([Agent("stamped", "worker")], Ct);

        Assert.Equal(Time.GetUtcNow(), (await Store.GetAsync(AgentId.Parse("stamped"), Ct))!.Descriptor.CreatedAt);
    }

    [Fact]
    public async Task AddAsync_SomeIdsExist_ReturnsThemAndAddsNothing()
    {
        await Store.AddAsync([Agent("b1", "worker"), Agent("b3", "worker")], Ct);

        var existing = await Store.AddAsync([Agent("b0", "critic"), Agent("b1", "critic"), Agent("b2", "critic"), Agent("b3", "critic")], Ct);

        Assert.Equal(["b1", "b3"], existing.Select(id => id.Value));
        Assert.Null(await Store.GetAsync(AgentId.Parse("b0"), Ct));
        Assert.Null(await Store.GetAsync(AgentId.Parse("b2"), Ct));
        Assert.Equal("worker", (await Store.GetAsync(AgentId.Parse("b1"), Ct))!.Descriptor.Type);
        Assert.Equal(2, await CountRowsAsync("agents"));
    }

    [Fact]
    public async Task AddAsync_MixedBatchWithIndexes_LeavesNoIndexRowsBehind()
    {
        await Store.AddAsync([Agent("c9", "worker")], Ct);

        await Store.AddAsync([Agent("c1", "worker", ["cap"], ["topic"]), Agent("c9", "worker", ["cap"], ["topic"])], Ct);

        Assert.Equal(0, await CountRowsAsync("agent_capabilities"));
        Assert.Equal(0, await CountRowsAsync("agent_subscriptions"));
        Assert.Empty(await Store.GetSubscribersAsync(AosTenants.Default, "topic", Ct));
    }

    [Fact]
    public async Task AddAsync_SameIdTwiceInOneBatch_ReturnsItAndAddsNothing()
    {
        var refused = await Store.AddAsync([Agent("d1", "worker"), Agent("d2", "worker"), Agent("d1", "critic")], Ct);

        Assert.Equal(["d1"], refused.Select(id => id.Value));
        Assert.Equal(0, await CountRowsAsync("agents"));
    }

    [Fact]
    public async Task AddAsync_EmptyList_ReturnsEmpty()
    {
        Assert.Empty(await Store.AddAsync([], Ct));
    }

    [Fact]
    public async Task AddAsync_NoType_ThrowsValidationAndAddsNothing()
    {
        var error = await Assert.ThrowsAsync<AosValidationException>(() => Store.AddAsync([Agent("e1", "worker"), Agent("e2", "")], Ct));

        Assert.Equal("type", error.Field);
        Assert.Equal(0, await CountRowsAsync("agents"));
    }

    [Fact]
    public async Task AddAsync_LargeUnsortedBatch_AddsEveryAgent()
    {
        var agents = Enumerable.Range(0, 5000).Reverse().Select(i => Agent($"bulk-{i:D5}", i % 2 == 0 ? "even" : "odd", ["all"])).ToList();

        Assert.Empty(await Store.AddAsync(agents, Ct));

        Assert.Equal(5000, await CountRowsAsync("agents"));
        Assert.Equal(5000, await CountRowsAsync("agent_capabilities"));
        var page = await Store.ListAsync(new AgentQuery { Type = "odd", Limit = 3 }, Ct);
        Assert.Equal(["bulk-00001", "bulk-00003", "bulk-00005"], page.Items.Select(r => r.Descriptor.Id.Value));
    }

    [Fact]
    public async Task AddAsync_LargeBatchWithOneExisting_ReturnsItAndAddsNothing()
    {
        await Store.AddAsync([Agent("big-0050", "worker", ["cap"])], Ct);
        var agents = Enumerable.Range(0, 100).Select(i => Agent($"big-{i:D4}", "worker", ["cap"], ["topic"])).ToList();

        var existing = await Store.AddAsync(agents, Ct);

        Assert.Equal(["big-0050"], existing.Select(id => id.Value));
        Assert.Equal(1, await CountRowsAsync("agents"));
        Assert.Equal(1, await CountRowsAsync("agent_capabilities"));
        Assert.Equal(0, await CountRowsAsync("agent_subscriptions"));
    }

    [Fact]
    public async Task GetAsync_Unknown_ReturnsNull()
    {
        Assert.Null(await Store.GetAsync(AgentId.Parse("nobody"), Ct));
    }

    [Fact]
    public async Task RemoveAsync_Registered_RemovesTheAgentAndItsIndexRows()
    {
        await Store.AddAsync([Agent("r1", "worker", ["cap"], ["topic"]), Agent("r2", "worker", ["cap"], ["topic"])], Ct);

        Assert.True(await Store.RemoveAsync(AgentId.Parse("r1"), Ct));

        Assert.Null(await Store.GetAsync(AgentId.Parse("r1"), Ct));
        Assert.Equal(["r2"], (await Store.GetSubscribersAsync(AosTenants.Default, "topic", Ct)).Select(id => id.Value));
        Assert.Equal(["r2"], (await Store.ListAsync(new AgentQuery { Capability = "cap" }, Ct)).Items.Select(r => r.Descriptor.Id.Value));
        Assert.Equal(1, await CountRowsAsync("agent_capabilities"));
        Assert.Equal(1, await CountRowsAsync("agent_subscriptions"));
    }

    [Fact]
    public async Task RemoveAsync_Unknown_ReturnsFalse()
    {
        Assert.False(await Store.RemoveAsync(AgentId.Parse("ghost"), Ct));
    }

    [Fact]
    public async Task RemoveAsync_ThenAddSameId_Succeeds()
    {
        await Store.AddAsync([Agent("again", "worker", ["cap"])], Ct);
        await Store.RemoveAsync(AgentId.Parse("again"), Ct);

        Assert.Empty(await Store.AddAsync([Agent("again", "critic", ["cap"])], Ct));

        Assert.Equal("critic", (await Store.GetAsync(AgentId.Parse("again"), Ct))!.Descriptor.Type);
    }

    [Fact]
    public async Task ListAsync_Filters_CombineWithAnd()
    {
        await Store.AddAsync(
        [
            Agent("f1", "worker", ["search"]),
            Agent("f2", "worker", ["search", "write"]),
            Agent("f3", "critic", ["search"]),
            Agent("f4", "worker", ["write"]),
        ], Ct);
        await Store.SetStatusAsync(AgentId.Parse("f2"), AgentStatus.Active, null, "silo-1", Ct);

        Assert.Equal(["f1", "f2", "f4"], await IdsAsync(new AgentQuery { Type = "worker" }));
        Assert.Equal(["f1", "f2", "f3"], await IdsAsync(new AgentQuery { Capability = "search" }));
        Assert.Equal(["f1", "f2"], await IdsAsync(new AgentQuery { Type = "worker", Capability = "search" }));
        Assert.Equal(["f2"], await IdsAsync(new AgentQuery { Type = "worker", Capability = "search", Status = AgentStatus.Active }));
        Assert.Equal(["f1", "f3", "f4"], await IdsAsync(new AgentQuery { Status = AgentStatus.Sleeping }));
        Assert.Equal(["f3"], await IdsAsync(new AgentQuery { Capability = "search", Status = AgentStatus.Sleeping, Type = "critic" }));
        Assert.Empty(await IdsAsync(new AgentQuery { Type = "nobody" }));
        Assert.Equal(["f1", "f2", "f3", "f4"], await IdsAsync(new AgentQuery()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("worker")]
    [InlineData("cap")]
    public async Task ListAsync_Paging_VisitsEveryMatchOnceInIdOrder(string? filter)
    {
        var agents = Enumerable.Range(0, 23).Select(i => Agent($"p{i:D2}", i % 3 == 0 ? "other" : "worker", i % 3 == 0 ? [] : ["cap"])).ToList();
        await Store.AddAsync(agents, Ct);
        var query = filter switch { "worker" => new AgentQuery { Type = "worker" }, "cap" => new AgentQuery { Capability = "cap" }, _ => new AgentQuery() };
        var expected = agents.Where(a => filter is null || a.Type == "worker").Select(a => a.Id.Value).ToList();

        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = await Store.ListAsync(query with { After = after, Limit = 5 }, Ct);
            seen.AddRange(page.Items.Select(r => r.Descriptor.Id.Value));
            Assert.True(page.Items.Count <= 5);
            after = page.Next;
            pages++;
        }
        while (after is not null);

        Assert.Equal(expected, seen);
        Assert.Equal((expected.Count + 4) / 5, pages);
    }

    [Fact]
    public async Task ListAsync_ExactlyOnePageOfMatches_HasNoNext()
    {
        await Store.AddAsync([Agent("x1", "w"), Agent("x2", "w")], Ct);

        var page = await Store.ListAsync(new AgentQuery { Limit = 2 }, Ct);

        Assert.Equal(2, page.Items.Count);
        Assert.Null(page.Next);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(AgentQuery.MaxLimit + 1)]
    public async Task ListAsync_LimitOutOfRange_ThrowsValidation(int limit)
    {
        var error = await Assert.ThrowsAsync<AosValidationException>(() => Store.ListAsync(new AgentQuery { Limit = limit }, Ct));

        Assert.Equal("limit", error.Field);
    }

    [Fact]
    public async Task GetSubscribersAsync_Topic_ReturnsExactMatchesOrderedById()
    {
        await Store.AddAsync(
        [
            Agent("s3", "w", subscriptions: ["orders"]),
            Agent("s1", "w", subscriptions: ["orders", "billing"]),
            Agent("s2", "w", subscriptions: ["orders.eu"]),
        ], Ct);

        Assert.Equal(["s1", "s3"], (await Store.GetSubscribersAsync(AosTenants.Default, "orders", Ct)).Select(id => id.Value));
        Assert.Equal(["s1"], (await Store.GetSubscribersAsync(AosTenants.Default, "billing", Ct)).Select(id => id.Value));
        Assert.Empty(await Store.GetSubscribersAsync(AosTenants.Default, "order", Ct));
    }

    [Fact]
    public async Task GetSubscribersAsync_OfAMessageType_LeavesOutAgentsThatTakeOnlyOtherTypes()
    {
        await Store.AddAsync(
        [
            Agent("m1", "w", subscriptions: ["orders.eu"]),
            Agent("m2", "w", subscriptions: ["orders.eu"]) with { MessageTypes = ["order.created"] },
            Agent("m3", "w", subscriptions: ["orders.*"]) with { MessageTypes = ["order.paid", "order.created"] },
            Agent("m4", "w", subscriptions: ["orders.>"]) with { MessageTypes = ["order.paid"] },
        ], Ct);

        Assert.Equal(["m1", "m2", "m3"], (await Store.GetSubscribersAsync(AosTenants.Default, "orders.eu", "order.created", Ct)).Select(id => id.Value));
        Assert.Equal(["m1", "m3", "m4"], (await Store.GetSubscribersAsync(AosTenants.Default, "orders.eu", "order.paid", Ct)).Select(id => id.Value));
        Assert.Equal(["m1"], (await Store.GetSubscribersAsync(AosTenants.Default, "orders.eu", "order.shipped", Ct)).Select(id => id.Value));
        Assert.Equal(["m1", "m2", "m3", "m4"], (await Store.GetSubscribersAsync(AosTenants.Default, "orders.eu", Ct)).Select(id => id.Value));
    }

    [Fact]
    public async Task SetStatusAsync_Failed_RecordsReasonAndSilo()
    {
        await Store.AddAsync([Agent("st", "w")], Ct);

        await Store.SetStatusAsync(AgentId.Parse("st"), AgentStatus.Failed, "state cannot be loaded", "silo-9", Ct);

        var record = (await Store.GetAsync(AgentId.Parse("st"), Ct))!;
        Assert.Equal(AgentStatus.Failed, record.Status);
        Assert.Equal("state cannot be loaded", record.StatusReason);
        Assert.Equal("silo-9", record.Silo);
    }

    [Fact]
    public async Task SetStatusAsync_UnknownAgent_ChangesNothing()
    {
        await Store.SetStatusAsync(AgentId.Parse("ghost"), AgentStatus.Active, null, "silo-1", Ct);

        Assert.Equal(0, await CountRowsAsync("agents"));
    }

    [Fact]
    public async Task ResetStaleActiveAsync_AgentsOnDeadSilos_BecomeSleeping()
    {
        await Store.AddAsync([Agent("live", "w"), Agent("dead", "w"), Agent("orphan", "w"), Agent("failed", "w"), Agent("asleep", "w")], Ct);
        await Store.SetStatusAsync(AgentId.Parse("live"), AgentStatus.Active, null, "silo-1", Ct);
        await Store.SetStatusAsync(AgentId.Parse("dead"), AgentStatus.Active, null, "silo-2", Ct);
        await Store.SetStatusAsync(AgentId.Parse("orphan"), AgentStatus.Active, null, null, Ct);
        await Store.SetStatusAsync(AgentId.Parse("failed"), AgentStatus.Failed, "broken", "silo-2", Ct);

        var reset = await Store.ResetStaleActiveAsync(["silo-1", "silo-3"], Ct);

        Assert.Equal(2, reset);
        Assert.Equal(AgentStatus.Active, (await Store.GetAsync(AgentId.Parse("live"), Ct))!.Status);
        var dead = (await Store.GetAsync(AgentId.Parse("dead"), Ct))!;
        Assert.Equal(AgentStatus.Sleeping, dead.Status);
        Assert.Null(dead.Silo);
        Assert.Equal(AgentStatus.Sleeping, (await Store.GetAsync(AgentId.Parse("orphan"), Ct))!.Status);
        Assert.Equal(AgentStatus.Failed, (await Store.GetAsync(AgentId.Parse("failed"), Ct))!.Status);
    }

    [Fact]
    public async Task ResetStaleActiveAsync_NoLiveSilos_ResetsEveryActiveAgent()
    {
        await Store.AddAsync([Agent("a", "w"), Agent("b", "w")], Ct);
        await Store.SetStatusAsync(AgentId.Parse("a"), AgentStatus.Active, null, "silo-1", Ct);
        await Store.SetStatusAsync(AgentId.Parse("b"), AgentStatus.Active, null, "silo-2", Ct);

        Assert.Equal(2, await Store.ResetStaleActiveAsync([], Ct));
    }

    [Fact]
    public async Task AddAsync_AfterReopen_AgentsAreStillRegistered()
    {
        await Store.AddAsync([Agent("keep", "w", ["cap"], ["topic"])], Ct);

        await RestartAsync();

        Assert.NotNull(await Store.GetAsync(AgentId.Parse("keep"), Ct));
        Assert.Equal(["keep"], (await Store.GetSubscribersAsync(AosTenants.Default, "topic", Ct)).Select(id => id.Value));
    }

    protected async Task<string[]> IdsAsync(AgentQuery query) =>
        [.. (await Store.ListAsync(query, Ct)).Items.Select(r => r.Descriptor.Id.Value)];

    protected static AgentDescriptor Agent(string id, string type, IReadOnlyList<string>? capabilities = null, IReadOnlyList<string>? subscriptions = null) => new()
    {
        Id = AgentId.Parse(id),
        Type = type,
        Capabilities = capabilities ?? [],
        Subscriptions = subscriptions ?? [],
    };
}

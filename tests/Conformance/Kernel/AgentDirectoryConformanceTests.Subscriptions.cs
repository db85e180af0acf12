using Aos.Agents;
using Aos.Registry;
using Aos.Security;

namespace Aos.Conformance.Kernel;

public abstract partial class AgentDirectoryConformanceTests
{
    [Fact]
    public async Task GetSubscribersAsync_WildcardPatterns_MatchLikeTopicPattern()
    {
        await Store.AddAsync(
        [
            Agent("w1", "w", subscriptions: ["orders.*"]),
            Agent("w2", "w", subscriptions: ["orders.>"]),
            Agent("w3", "w", subscriptions: ["*.eu"]),
            Agent("w4", "w", subscriptions: ["orders.eu"]),
        ], Ct);

        Assert.Equal(["w1", "w2", "w3", "w4"], (await Store.GetSubscribersAsync(AosTenants.Default, "orders.eu", Ct)).Select(id => id.Value));
        Assert.Equal(["w2"], (await Store.GetSubscribersAsync(AosTenants.Default, "orders.eu.created", Ct)).Select(id => id.Value));
        Assert.Empty(await Store.GetSubscribersAsync(AosTenants.Default, "orders", Ct));
        Assert.Equal(["w3"], (await Store.GetSubscribersAsync(AosTenants.Default, "billing.eu", Ct)).Select(id => id.Value));
    }

    [Fact]
    public async Task SubscribeAsync_NewPattern_AddsItToTheDescriptorAndTheSubscribers()
    {
        await Store.AddAsync([Agent("sub", "w", subscriptions: ["declared"])], Ct);

        Assert.True(await Store.SubscribeAsync(AgentId.Parse("sub"), "added.*", Ct));
        Assert.False(await Store.SubscribeAsync(AgentId.Parse("sub"), "added.*", Ct));

        Assert.Equal(["declared", "added.*"], (await Store.GetAsync(AgentId.Parse("sub"), Ct))!.Descriptor.Subscriptions);
        Assert.Equal(["sub"], (await Store.GetSubscribersAsync(AosTenants.Default, "added.x", Ct)).Select(id => id.Value));
        Assert.Equal(2, await CountRowsAsync("agent_subscriptions"));
    }

    [Fact]
    public async Task UnsubscribeAsync_DeclaredOrAdded_RemovesItEverywhere()
    {
        await Store.AddAsync([Agent("unsub", "w", subscriptions: ["declared"])], Ct);
        await Store.SubscribeAsync(AgentId.Parse("unsub"), "added", Ct);

        Assert.True(await Store.UnsubscribeAsync(AgentId.Parse("unsub"), "declared", Ct));
        Assert.False(await Store.UnsubscribeAsync(AgentId.Parse("unsub"), "declared", Ct));

        Assert.Equal(["added"], (await Store.GetAsync(AgentId.Parse("unsub"), Ct))!.Descriptor.Subscriptions);
        Assert.Empty(await Store.GetSubscribersAsync(AosTenants.Default, "declared", Ct));
        Assert.Equal(["unsub"], (await Store.GetSubscribersAsync(AosTenants.Default, "added", Ct)).Select(id => id.Value));
    }

    [Fact]
    public async Task SubscribeAsync_UnknownAgent_ThrowsAgentNotFound()
    {
        await Assert.ThrowsAsync<AgentNotFoundException>(() => Store.SubscribeAsync(AgentId.Parse("ghost"), "topic", Ct));
        await Assert.ThrowsAsync<AgentNotFoundException>(() => Store.UnsubscribeAsync(AgentId.Parse("ghost"), "topic", Ct));
    }

    [Theory]
    [InlineData("")]
    [InlineData("orders..eu")]
    [InlineData("orders.>.eu")]
    public async Task SubscribeAsync_InvalidPattern_ThrowsValidationAndChangesNothing(string pattern)
    {
        await Store.AddAsync([Agent("bad", "w")], Ct);

        await Assert.ThrowsAsync<AosValidationException>(() => Store.SubscribeAsync(AgentId.Parse("bad"), pattern, Ct));

        Assert.Empty((await Store.GetAsync(AgentId.Parse("bad"), Ct))!.Descriptor.Subscriptions);
        Assert.Equal(0, await CountRowsAsync("agent_subscriptions"));
    }

    [Fact]
    public async Task ListIdsAsync_Prefix_PagesThroughMatchingIdsInOrder()
    {
        await Store.AddAsync([Agent("team.b", "w"), Agent("team.a", "w"), Agent("teams", "w"), Agent("other", "w"), Agent("team.c", "w")], Ct);

        var first = await Store.ListIdsAsync(AosTenants.Default, "team.", null, 2, Ct);
        var second = await Store.ListIdsAsync(AosTenants.Default, "team.", first[^1].Value, 2, Ct);

        Assert.Equal(["team.a", "team.b"], first.Select(id => id.Value));
        Assert.Equal(["team.c"], second.Select(id => id.Value));
        Assert.Equal(["other", "team.a", "team.b", "team.c", "teams"], (await Store.ListIdsAsync(AosTenants.Default, string.Empty, null, 10, Ct)).Select(id => id.Value));
        Assert.Empty(await Store.ListIdsAsync(AosTenants.Default, "zz", null, 10, Ct));
    }

    [Fact]
    public async Task ListIdsAsync_LimitBelowOne_Throws()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListIdsAsync(AosTenants.Default, string.Empty, null, 0, Ct));
    }

    [Fact]
    public async Task SetStatusAsync_UndefinedStatus_ThrowsValidation()
    {
        var error = await Assert.ThrowsAsync<AosValidationException>(() => Store.SetStatusAsync(AgentId.Parse("a"), (AgentStatus)99, null, null, Ct));

        Assert.Equal("status", error.Field);
    }

    [Fact]
    public async Task ListAsync_UndefinedStatus_ThrowsValidation()
    {
        var error = await Assert.ThrowsAsync<AosValidationException>(() => Store.ListAsync(new AgentQuery { Status = (AgentStatus)99 }, Ct));

        Assert.Equal("status", error.Field);
    }

    [Fact]
    public async Task AddAsync_SameIdsByTwoNodesAtOnce_EachIdIsRegisteredByExactlyOne()
    {
        var other = await OpenAsync();
        var ids = Enumerable.Range(0, 20).Select(i => $"race-{i:D2}").ToList();

        var results = await Task.WhenAll(ids.SelectMany(id => new[]
        {
            Store.AddAsync([Agent(id, "first", ["cap"], ["topic"])], Ct),
            other.AddAsync([Agent(id, "second", ["cap"], ["topic"])], Ct),
        }));

        for (var i = 0; i < ids.Count; i++)
        {
            var (first, second) = (results[2 * i], results[(2 * i) + 1]);
            Assert.True(first.Count + second.Count == 1, $"{ids[i]}: exactly one add must be refused, got {first.Count} and {second.Count}.");
            var winner = first.Count == 0 ? "first" : "second";
            Assert.Equal(winner, (await Store.GetAsync(AgentId.Parse(ids[i]), Ct))!.Descriptor.Type);
        }

        Assert.Equal(ids.Count, await CountRowsAsync("agents"));
        Assert.Equal(ids.Count, await CountRowsAsync("agent_capabilities"));
        Assert.Equal(ids, (await Store.GetSubscribersAsync(AosTenants.Default, "topic", Ct)).Select(id => id.Value));
    }

    [Fact]
    public async Task SubscribeAsync_ByTwoNodesAtOnce_KeepsEveryPattern()
    {
        var other = await OpenAsync();
        await Store.AddAsync([Agent("busy", "w")], Ct);
        var patterns = Enumerable.Range(0, 20).Select(i => $"t{i:D2}").ToList();

        await Task.WhenAll(patterns.Select((p, i) => (i % 2 == 0 ? Store : other).SubscribeAsync(AgentId.Parse("busy"), p, Ct)));

        Assert.Equal(patterns, (await Store.GetAsync(AgentId.Parse("busy"), Ct))!.Descriptor.Subscriptions.Order(StringComparer.Ordinal));
        Assert.Equal(patterns.Count, await CountRowsAsync("agent_subscriptions"));
    }

    [Fact]
    public async Task GetSubscribersAsync_AfterEachChangeByEitherNode_SeesTheChange()
    {
        // Read before every change, as a node that keeps publishing does: no change may be hidden by what an earlier read found.
        var other = await OpenAsync();
        async Task<IEnumerable<string>> SubscribersAsync(IAgentDirectory directory) =>
            (await directory.GetSubscribersAsync(AosTenants.Default, "orders.eu", Ct)).Select(id => id.Value);

        Assert.Empty(await SubscribersAsync(Store));
        Assert.Empty(await SubscribersAsync(other));

        await Store.AddAsync([Agent("c1", "w", subscriptions: ["orders.eu"]), Agent("c2", "w")], Ct);
        Assert.Equal(["c1"], await SubscribersAsync(Store));
        Assert.Equal(["c1"], await SubscribersAsync(other));

        await other.SubscribeAsync(AgentId.Parse("c2"), "orders.*", Ct);
        Assert.Equal(["c1", "c2"], await SubscribersAsync(Store));
        Assert.Equal(["c1", "c2"], await SubscribersAsync(other));

        await Store.UnsubscribeAsync(AgentId.Parse("c1"), "orders.eu", Ct);
        Assert.Equal(["c2"], await SubscribersAsync(other));
        Assert.Equal(["c2"], await SubscribersAsync(Store));

        await other.RemoveAsync(AgentId.Parse("c2"), Ct);
        Assert.Empty(await SubscribersAsync(Store));
        Assert.Empty(await SubscribersAsync(other));

        await Store.AddAsync([Agent("c2", "w", subscriptions: [">"])], Ct);
        Assert.Equal(["c2"], await SubscribersAsync(other));
    }
}

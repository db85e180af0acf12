using Aos.Agents;
using Aos.Registry;
using Aos.Security;

namespace Aos.Conformance.Kernel;

public abstract partial class AgentDirectoryConformanceTests
{
    [Fact]
    public async Task Tenants_KeepTheirAgents_InListsSubscribersAndPrefixes()
    {
        await Store.AddAsync(
        [
            Agent("t-home-1", "w", capabilities: ["audit"], subscriptions: ["orders.*"]),
            Agent("t-home-2", "w", subscriptions: ["orders.eu"]) with { Tenant = "acme" },
            Agent("t-home-3", "w", capabilities: ["audit"], subscriptions: ["orders.>"]) with { Tenant = "acme" },
        ], Ct);

        Assert.Equal("acme", (await Store.GetAsync(AgentId.Parse("t-home-2"), Ct))!.Descriptor.Tenant);
        Assert.Equal(["t-home-1"], await IdsAsync(new AgentQuery { Tenant = AosTenants.Default }));
        Assert.Equal(["t-home-2", "t-home-3"], await IdsAsync(new AgentQuery { Tenant = "acme" }));
        Assert.Equal(["t-home-3"], await IdsAsync(new AgentQuery { Tenant = "acme", Capability = "audit" }));
        Assert.Empty(await IdsAsync(new AgentQuery { Tenant = "other" }));
        Assert.Equal(["t-home-1", "t-home-2", "t-home-3"], await IdsAsync(new AgentQuery()));

        Assert.Equal(["t-home-1"], (await Store.GetSubscribersAsync(AosTenants.Default, "orders.eu", Ct)).Select(id => id.Value));
        Assert.Equal(["t-home-2", "t-home-3"], (await Store.GetSubscribersAsync("acme", "orders.eu", Ct)).Select(id => id.Value));
        Assert.Empty(await Store.GetSubscribersAsync("other", "orders.eu", Ct));

        Assert.Equal(["t-home-1"], (await Store.ListIdsAsync(AosTenants.Default, "t-home", null, 10, Ct)).Select(id => id.Value));
        Assert.Equal(["t-home-3"], (await Store.ListIdsAsync("acme", "t-home", "t-home-2", 10, Ct)).Select(id => id.Value));
    }

    [Fact]
    public async Task SetGrantsAsync_ReplacesTheGrants_AndKeepsTheRestOfTheDescriptor()
    {
        await Store.AddAsync([Agent("granted", "w", subscriptions: ["declared"]) with { Tenant = "acme" }], Ct);
        var grants = new AgentGrants { Agents = ["billing", "ops-*"], Topics = ["orders.>"] };

        var record = await Store.SetGrantsAsync(AgentId.Parse("granted"), grants, Ct);
        var read = (await Store.GetAsync(AgentId.Parse("granted"), Ct))!.Descriptor;

        Assert.Equal(["billing", "ops-*"], read.Grants.Agents);
        Assert.Equal(["orders.>"], read.Grants.Topics);
        Assert.Equal(["declared"], read.Subscriptions);
        Assert.Equal("acme", read.Tenant);
        Assert.Equal(read.Grants.Agents, record.Descriptor.Grants.Agents);
        await Assert.ThrowsAsync<AgentNotFoundException>(() => Store.SetGrantsAsync(AgentId.Parse("ghost"), grants, Ct));
    }
}

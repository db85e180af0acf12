using Aos.Kernel.StateMachines;
using Aos.Security;
using Aos.StateMachines;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Kernel.Tests.StateMachines;

/// <summary>State machines across tenants: registered definitions and instances are a tenant's own, templates and code are shared.</summary>
[Collection(FakeClockCluster.Name)]
public sealed class StateMachineTenantTests(StateMachineClusterFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private StateMachineClient Client => fixture.Silo(0).GetRequiredService<StateMachineClient>();

    [Fact]
    public async Task RegisteredDefinition_IsSeenOnlyByItsTenant_AndEachTenantMayRegisterTheSameName()
    {
        var name = "door-" + NewId();

        await Client.RegisterAsync(Door(name, "closed"), "acme");
        await Client.RegisterAsync(Door(name, "shut"), "globex");
        var refused = await Assert.ThrowsAsync<AosValidationException>(() => Client.RegisterAsync(Door("ticket", "closed"), "acme"));

        Assert.Equal("closed", (await Client.Catalog.GetAsync(name, "acme")).Definition.InitialState);
        Assert.Equal("shut", (await Client.Catalog.GetAsync(name, "globex")).Definition.InitialState);
        await Assert.ThrowsAsync<StateMachineNotFoundException>(() => Client.Catalog.GetAsync(name));
        await Assert.ThrowsAsync<StateMachineNotFoundException>(() => Client.Catalog.GetAsync(name, "initech"));
        var acme = (await Client.Catalog.ListAsync("acme")).Select(d => d.Name).ToList();
        var home = (await Client.Catalog.ListAsync(AosTenants.Default)).Select(d => d.Name).ToList();
        Assert.Equal(1, acme.Count(n => n == name));
        Assert.DoesNotContain(name, home);
        Assert.All(new[] { "decision", "incident", "ticket" }, shared => Assert.True(acme.Contains(shared) && home.Contains(shared), shared));
        Assert.Equal("name", refused.Field);
        Assert.Contains("defined by AOS or in code", refused.Message);
    }

    [Fact]
    public async Task Instances_AreScopedToTheirTenant_AndEqualIdsOfTwoTenantsNeverMeet()
    {
        var name = "door-" + NewId();
        await Client.RegisterAsync(Door(name, "closed"), "acme");
        await Client.RegisterAsync(Door(name, "shut"), "globex");

        var acme = await Client.StartAsync(name, "case-1", null, "api-key:a", "acme");
        var globex = await Client.StartAsync(name, "case-1", null, "api-key:g", "globex");
        var opened = await Client.FireAsync(name, "case-1", "open", null, "api-key:a", "acme");
        await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero, Ct);

        Assert.Equal(("acme", "case-1", "closed"), (acme.Tenant, acme.Id, acme.State));
        Assert.Equal(("globex", "case-1", "shut"), (globex.Tenant, globex.Id, globex.State));
        Assert.Equal(("open", "api-key:a"), (opened.State, opened.History[0].Actor));
        Assert.Equal(("globex", "shut"), ((await Client.GetAsync(name, "case-1", "globex")).Tenant, (await Client.GetAsync(name, "case-1", "globex")).State));
        Assert.Equal("open", (await Client.GetAsync(name, "case-1", "acme")).State);
        Assert.Equal(["case-1"], (await Client.ListAsync(name, null, 100, "acme")).Items.Select(i => i.Id));
    }

    [Fact]
    public async Task AnotherTenantsInstance_IsNotFound_LikeAMissingOne()
    {
        var id = NewId();
        var home = await Client.StartAsync("decision", id, null, "api-key:home");

        var read = await Assert.ThrowsAsync<StateMachineNotFoundException>(() => Client.GetAsync("decision", id, "acme"));
        var fired = await Assert.ThrowsAsync<StateMachineNotFoundException>(() => Client.FireAsync("decision", id, "review", null, "api-key:acme", "acme"));
        var snapshot = await Assert.ThrowsAsync<StateMachineNotFoundException>(() => Client.SnapshotAsync("decision", id, "acme"));
        var rollback = await Assert.ThrowsAsync<StateMachineNotFoundException>(() => Client.RollbackAsync("decision", id, "s1", "api-key:acme", "acme"));
        var listed = await Client.ListAsync("decision", null, StateMachineClient.MaxPageSize, "acme");

        Assert.Equal(AosTenants.Default, home.Tenant);
        Assert.Equal($"There is no instance '{id}' of the state machine 'decision'.", read.Message);
        Assert.All(new[] { fired, snapshot, rollback }, ex => Assert.Equal($"There is no instance '{id}' of the state machine 'decision'; create it first.", ex.Message));
        Assert.DoesNotContain(listed.Items, i => i.Id == id);
        Assert.Equal(("pending", 0L), ((await Client.GetAsync("decision", id)).State, (await Client.GetAsync("decision", id)).Transitions));
    }

    private static string Door(string name, string initial) => $$"""
        { "name": "{{name}}", "initialState": "{{initial}}", "states": [ { "name": "{{initial}}" }, { "name": "open" } ],
          "transitions": [ { "from": "{{initial}}", "event": "open", "to": "open" } ] }
        """;

    private static string NewId() => Guid.NewGuid().ToString("N")[..12];
}

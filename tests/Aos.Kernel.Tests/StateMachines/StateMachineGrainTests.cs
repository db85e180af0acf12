using System.Text.Json.Nodes;
using Aos.Kernel.StateMachines;
using Aos.Kernel.Tests.Support;
using Aos.StateMachines;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Kernel.Tests.StateMachines;

/// <summary>State machine instances hosted by grains: persisted, fired by their own timers, listed, and registered as JSON.</summary>
[Collection(FakeClockCluster.Name)]
public sealed class StateMachineGrainTests(StateMachineClusterFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private StateMachineClient Client => fixture.Silo(0).GetRequiredService<StateMachineClient>();

    private SiloDatabase Database => new(fixture.DataDirectory);

    [Fact]
    public async Task Timeout_FiresByItself_AndTheInstanceIsPersistedInItsNewState()
    {
        var id = NewId();
        var armed = StateMachineClusterFixture.Time.WaitForTimerAsync(t => t.DueTime == TimeSpan.FromHours(4), Ct);
        var instance = await Client.StartAsync("ticket", id, new JsonObject { ["title"] = "printer" }, "alice");
        await armed;

        StateMachineClusterFixture.Time.Advance(TimeSpan.FromHours(4));
        await StateMachineClusterFixture.EnteredAsync(id, "escalated").WaitAsync(Ct);

        var escalated = await Client.GetAsync("ticket", id);
        Assert.Equal("escalated", escalated.State);
        Assert.Equal(("open_timeout", StateMachine.TimerActor, TransitionKinds.Escalation), (escalated.History[0].Event, escalated.History[0].Actor, escalated.History[0].Kind));
        Assert.Equal(instance.Version + 1, escalated.Version);

        // It comes back from storage after its activation is collected, with its timer armed again.
        var rearmed = StateMachineClusterFixture.Time.WaitForTimerAsync(t => t.DueTime <= TimeSpan.FromHours(8) && t.DueTime > TimeSpan.Zero, Ct);
        await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero, Ct);
        Assert.Equal("escalated", (await Client.GetAsync("ticket", id)).State);
        await rearmed;
        StateMachineClusterFixture.Time.Advance(TimeSpan.FromHours(8));
        await StateMachineClusterFixture.EnteredAsync(id, "closed").WaitAsync(Ct);
        var closed = await Client.GetAsync("ticket", id);
        Assert.True(closed.Completed);
        Assert.Equal(1, (int)JsonNode.Parse(closed.Context)!["escalationLevel"]!);
    }

    [Fact]
    public async Task Timeout_MonthsAway_IsArmed_AndTheInstanceWaitsInItsState()
    {
        // A timer of the node's clock cannot be armed more than 49.7 days ahead: a deadline beyond that is reached in hops.
        var name = "quarter-" + NewId();
        await Client.RegisterAsync($$"""
            { "name": "{{name}}", "initialState": "open",
              "states": [ { "name": "open", "timeout": "90d" }, { "name": "overdue", "terminal": true } ],
              "transitions": [ { "from": "open", "event": "open_timeout", "to": "overdue", "escalation": true } ] }
            """);
        var id = NewId();
        var armed = StateMachineClusterFixture.Time.WaitForTimerAsync(t => t.DueTime > TimeSpan.FromDays(49) && t.DueTime < TimeSpan.FromDays(50), Ct);
        var instance = await Client.StartAsync(name, id, null, "alice");
        await armed.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(StateMachineClusterFixture.Time.GetUtcNow() + TimeSpan.FromDays(90), instance.TimeoutAt);
        Assert.Equal("open", (await Client.GetAsync(name, id)).State);

        // The hops themselves are shown on a plain clock (GrainDeadlineTests): months on this cluster's clock would fire its periodic timers millions of times.
    }

    [Fact]
    public async Task CompletedInstance_IsForgottenByItselfAfterTheRetention_AndLeavesTheList()
    {
        var id = NewId();
        await Client.StartAsync("ticket", id, null, "alice");
        Assert.True((await Client.FireAsync("ticket", id, "close", null, "alice")).Completed);

        StateMachineClusterFixture.Time.Advance(StateMachineClusterFixture.Retention - TimeSpan.FromMinutes(1));
        Assert.Equal("closed", (await Client.GetAsync("ticket", id)).State);
        Assert.True(await Database.HasStateAsync(Grain(id)));

        // Nothing reads the instance from here on: its own timer forgets it.
        StateMachineClusterFixture.Time.Advance(TimeSpan.FromMinutes(2));
        await Database.UntilGoneAsync(Grain(id));

        await Assert.ThrowsAsync<StateMachineNotFoundException>(() => Client.GetAsync("ticket", id));
        Assert.DoesNotContain((await Client.ListAsync("ticket", null, 1000)).Items, i => i.Id == id);
        Assert.Equal(0, await Database.CountRemindersAsync(Grain(id)));
        Assert.Equal("open", (await Client.StartAsync("ticket", id, null, "alice")).State);
    }

    [Fact]
    public async Task CompletedInstance_WithoutItsReminder_GetsOneBackWhenItIsNextRead()
    {
        // As an instance that completed before the retention was set: asleep, and nothing to wake it.
        var id = NewId();
        await Client.StartAsync("ticket", id, null, "alice");
        await Client.FireAsync("ticket", id, "close", null, "alice");
        await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero, Ct);
        await Database.DeleteRemindersAsync(Grain(id));

        Assert.Equal("closed", (await Client.GetAsync("ticket", id)).State);
        Assert.Equal(1, await Database.CountRemindersAsync(Grain(id)));

        StateMachineClusterFixture.Time.Advance(StateMachineClusterFixture.Retention + TimeSpan.FromMinutes(1));
        await Database.UntilGoneAsync(Grain(id));
        await Assert.ThrowsAsync<StateMachineNotFoundException>(() => Client.GetAsync("ticket", id));
    }

    [Fact]
    public async Task InstanceInProgress_IsKeptPastTheRetention()
    {
        var name = "gate-" + NewId();
        await Client.RegisterAsync($$"""
            { "name": "{{name}}", "initialState": "closed", "states": [ { "name": "closed" }, { "name": "open", "terminal": true } ],
              "transitions": [ { "from": "closed", "event": "open", "to": "open" } ] }
            """);
        var id = NewId();
        await Client.StartAsync(name, id, null, "alice");

        StateMachineClusterFixture.Time.Advance(StateMachineClusterFixture.Retention + TimeSpan.FromMinutes(1));

        Assert.Equal("closed", (await Client.GetAsync(name, id)).State);
        Assert.True(await Database.HasStateAsync($"aos-sm/{name}/{id}"));
    }

    [Fact]
    public async Task Events_AreAppliedAndRefused_ThroughTheGrain()
    {
        var id = NewId();
        await Client.StartAsync("decision", id, null, "alice");

        var refused = await Assert.ThrowsAsync<TransitionRefusedException>(() => Client.FireAsync("decision", id, "approve", null, "bob"));
        var reviewed = await Client.FireAsync("decision", id, "review", new JsonObject { ["reviewer"] = "carol" }, "carol");
        var duplicate = await Assert.ThrowsAsync<StateMachineInstanceExistsException>(() => Client.StartAsync("decision", id, null, "alice"));

        Assert.Contains("'approve' is not allowed in state 'pending'", refused.Message);
        Assert.Equal("under_review", reviewed.State);
        Assert.Equal("under_review", (await Client.GetAsync("decision", id)).State);
        Assert.Contains("exists already", duplicate.Message);
        Assert.Contains((await Client.ListAsync("decision", null, 1000)).Items, i => i.Id == id);
    }

    [Fact]
    public async Task Snapshot_AndRollback_AreDurable()
    {
        var id = NewId();
        await Client.StartAsync("incident", id, null, "pager");
        await Client.SnapshotAsync("incident", id);
        await Client.FireAsync("incident", id, "acknowledge", null, "oncall");

        var back = await Client.RollbackAsync("incident", id, "s1", "lead");

        Assert.Equal("reported", back.State);
        Assert.Equal("reported", (await Client.GetAsync("incident", id)).State);
        Assert.Equal(TransitionKinds.Rollback, back.History[^1].Kind);
    }

    [Fact]
    public async Task Register_AJsonMachine_ThenRunIt_AndAnInvalidOneIsRefusedNamingTheFault()
    {
        var name = "door-" + NewId();
        await Client.RegisterAsync($$"""
            { "name": "{{name}}", "initialState": "closed",
              "states": [ { "name": "closed" }, { "name": "open" } ],
              "transitions": [ { "from": "closed", "event": "open", "to": "open", "guard": { "field": "badge", "op": "eq", "value": "ok" } },
                               { "from": "open", "event": "close", "to": "closed" } ] }
            """);
        var id = NewId();
        await Client.StartAsync(name, id, null, "alice");

        var denied = await Assert.ThrowsAsync<TransitionRefusedException>(() => Client.FireAsync(name, id, "open", new JsonObject { ["badge"] = "no" }, "alice"));
        var opened = await Client.FireAsync(name, id, "open", new JsonObject { ["badge"] = "ok" }, "alice");
        var invalid = await Assert.ThrowsAsync<AosValidationException>(() => Client.RegisterAsync($$"""
            { "name": "{{name}}-bad", "initialState": "closed", "states": [ { "name": "closed" } ],
              "transitions": [ { "from": "closed", "event": "open", "to": "ajar" } ] }
            """));
        var missing = await Assert.ThrowsAsync<StateMachineNotFoundException>(() => Client.StartAsync("nope-" + NewId(), null, null, "alice"));
        var changed = await Assert.ThrowsAsync<AosValidationException>(() => Client.RegisterAsync(
            "{ \"name\": \"" + name + "\", \"initialState\": \"closed\", \"states\": [ { \"name\": \"closed\" } ], \"transitions\": [] }"));

        Assert.Contains("every guard was false", denied.Message);
        Assert.Equal("open", opened.State);
        Assert.Equal("transitions[0].to", invalid.Field);
        Assert.Contains("undeclared state 'ajar'", invalid.Message);
        Assert.Contains(await Client.Catalog.ListAsync(), d => d.Name == name);
        Assert.Contains("register it first", missing.Message);
        Assert.Contains("definitions do not change once registered", changed.Message);
    }

    private static string NewId() => Guid.NewGuid().ToString("N")[..12];

    private static string Grain(string id) => "aos-sm/ticket/" + id;
}

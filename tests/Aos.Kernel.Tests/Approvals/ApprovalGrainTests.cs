using Aos.Approvals;
using Aos.Kernel.Approvals;
using Aos.Kernel.Tests.StateMachines;
using Aos.Kernel.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Kernel.Tests.Approvals;

/// <summary>Approvals hosted by grains on a fake clock: deadlines escalate by themselves, decisions are durable, pending ones are listed.</summary>
[Collection(FakeClockCluster.Name)]
public sealed class ApprovalGrainTests(StateMachineClusterFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ApprovalClient Client => fixture.Silo(0).GetRequiredService<ApprovalClient>();

    [Fact]
    public async Task Deadline_EscalatesByItself_ThenTheNextStageDecides()
    {
        var id = NewId();
        var armed = StateMachineClusterFixture.Time.WaitForTimerAsync(t => t.DueTime == TimeSpan.FromHours(30), Ct);
        await Client.RequestAsync(Request(id, TimeSpan.FromHours(30)));
        await armed;

        var escalationArmed = StateMachineClusterFixture.Time.WaitForTimerAsync(t => t.DueTime == TimeSpan.FromHours(6), Ct);
        StateMachineClusterFixture.Time.Advance(TimeSpan.FromHours(30));
        await escalationArmed;

        var escalated = await Client.GetAsync(id);
        Assert.Equal(1, escalated.Stage);
        Assert.Equal(("escalated", ApprovalRules.TimerActor), (escalated.History[^1].Kind, escalated.History[^1].By));
        await Assert.ThrowsAsync<ApprovalRefusedException>(() => Client.DecideAsync(id, true, "alice", [], null));
        var approved = await Client.DecideAsync(id, true, "carol", ["cfo"], "ok");
        Assert.Equal(ApprovalStatus.Approved, approved.Status);

        await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero, Ct);
        Assert.Equal(ApprovalStatus.Approved, (await Client.GetAsync(id)).Status);
    }

    [Fact]
    public async Task Deadline_MonthsAway_IsArmed_AndTheRequestWaits()
    {
        // A timer of the node's clock cannot be armed more than 49.7 days ahead: a deadline beyond that is reached in hops.
        var id = NewId();
        var armed = StateMachineClusterFixture.Time.WaitForTimerAsync(t => t.DueTime > TimeSpan.FromDays(49) && t.DueTime < TimeSpan.FromDays(50), Ct);
        await Client.RequestAsync(Request(id, TimeSpan.FromDays(60)));
        await armed.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var pending = await Client.GetAsync(id);
        Assert.Equal((ApprovalStatus.Pending, 0), (pending.Status, pending.Stage));
        Assert.Equal(StateMachineClusterFixture.Time.GetUtcNow() + TimeSpan.FromDays(60), pending.DeadlineAt);

        // The hops themselves are shown on a plain clock (GrainDeadlineTests): months on this cluster's clock would fire its periodic timers millions of times.
    }

    [Fact]
    public async Task Decided_IsForgottenByItselfAfterTheRetention_ButAPendingOneIsKept()
    {
        var decided = NewId();
        var pending = NewId();
        await Client.RequestAsync(Request(decided, TimeSpan.FromDays(30)));
        await Client.RequestAsync(Request(pending, TimeSpan.FromDays(30)));
        Assert.Equal(ApprovalStatus.Denied, (await Client.DecideAsync(decided, false, "alice", [], "no budget")).Status);

        StateMachineClusterFixture.Time.Advance(StateMachineClusterFixture.Retention - TimeSpan.FromMinutes(1));
        Assert.Equal(ApprovalStatus.Denied, (await Client.GetAsync(decided)).Status);

        // Nothing reads it from here on: its own timer forgets it.
        StateMachineClusterFixture.Time.Advance(TimeSpan.FromMinutes(2));
        await new SiloDatabase(fixture.DataDirectory).UntilGoneAsync("aos-approval/" + decided);

        await Assert.ThrowsAsync<ApprovalNotFoundException>(() => Client.GetAsync(decided));
        await Assert.ThrowsAsync<ApprovalNotFoundException>(() => Client.DecideAsync(decided, true, "alice", [], null));
        Assert.Equal(ApprovalStatus.Pending, (await Client.GetAsync(pending)).Status);
    }

    [Fact]
    public async Task Pending_AreListedForWhoMayDecideThemNow_AndLeaveTheListWhenDecided()
    {
        var id = NewId();
        await Client.RequestAsync(Request(id, TimeSpan.FromDays(3)));

        var forAlice = await Client.ListPendingAsync("alice", [], null, ApprovalClient.MaxPageSize);
        var forFinance = await Client.ListPendingAsync("dave", ["finance"], null, ApprovalClient.MaxPageSize);
        var forSales = await Client.ListPendingAsync("mallory", ["sales"], null, ApprovalClient.MaxPageSize);
        await Client.DecideAsync(id, false, "alice", [], "not this quarter");
        var afterDenial = await Client.ListPendingAsync(null, [], null, ApprovalClient.MaxPageSize);

        Assert.Contains(forAlice.Items, a => a.Id == id);
        Assert.Contains(forFinance.Items, a => a.Id == id);
        Assert.DoesNotContain(forSales.Items, a => a.Id == id);
        Assert.DoesNotContain(afterDenial.Items, a => a.Id == id);
        Assert.Equal(ApprovalStatus.Denied, (await Client.GetAsync(id)).Status);
        await Assert.ThrowsAsync<ApprovalNotFoundException>(() => Client.GetAsync(NewId()));
    }

    [Fact]
    public async Task Pending_ComeInFullPages_PastOtherTenantsAndOtherApproversApprovals()
    {
        // In id order: 1 and 7 are ours and ask alice; 2 and 3 are another tenant's; 4 to 6 are ours but ask only bob.
        var run = "p-" + Guid.NewGuid().ToString("N")[..12] + "-";
        for (var i = 1; i <= 7; i++)
        {
            var request = Request(run + i, TimeSpan.FromDays(3)) with { Tenant = i is 2 or 3 ? "theirs" : "ours" };
            await Client.RequestAsync(i is >= 4 and <= 6 ? request with { Stages = [new ApprovalStage(["bob"], TimeSpan.FromDays(3))] } : request);
        }

        var ours = await Client.ListPendingAsync(null, [], run, 2, "ours");
        var alices = await Client.ListPendingAsync("alice", [], run, 2, "ours");
        var alicesRest = alices.Next is null ? [] : (await Client.ListPendingAsync("alice", [], alices.Next, 2, "ours")).Items;

        Assert.Equal([run + 1, run + 4], ours.Items.Select(a => a.Id));
        Assert.Equal(run + 4, ours.Next);
        Assert.Equal([run + 1, run + 7], alices.Items.Select(a => a.Id));
        Assert.DoesNotContain(alicesRest, a => a.Id.StartsWith(run, StringComparison.Ordinal));
    }

    private static ApprovalRequest Request(string id, TimeSpan firstDeadline) => new()
    {
        Id = id,
        Title = "Hire a contractor",
        RequestedBy = "hr-agent",
        Stages = [new ApprovalStage(["alice", "role:finance"], firstDeadline), new ApprovalStage(["role:cfo"], TimeSpan.FromHours(6))],
    };

    private static string NewId() => "a-" + Guid.NewGuid().ToString("N")[..12];
}

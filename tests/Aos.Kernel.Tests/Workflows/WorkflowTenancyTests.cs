using Aos.Approvals;
using Aos.Kernel.Approvals;
using Aos.Kernel.Messaging;
using Aos.Kernel.Registry;
using Aos.Kernel.Tests.StateMachines;
using Aos.Kernel.Workflows;
using Aos.Testing;
using Aos.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Kernel.Tests.Workflows;

/// <summary>Workflows and runs belong to a tenant: each tenant has its own names and runs, and what a run does happens in its tenant.</summary>
[Collection(FakeClockCluster.Name)]
public sealed class WorkflowTenancyTests(StateMachineClusterFixture fixture)
{
    private const string Acme = "acme";
    private const string Globex = "globex";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WorkflowClient Client => fixture.Silo(0).GetRequiredService<WorkflowClient>();

    [Fact]
    public async Task Definitions_OfTwoTenants_WithOneName_AreTwoWorkflows_ListedOnlyInTheirTenant()
    {
        var name = "twin-" + NewId();
        await Client.RegisterAsync(Steps(name, "acme-step"), Acme);
        var (_, created) = await Client.RegisterAsync(Steps(name, "globex-step"), Globex);

        Assert.True(created);
        Assert.Equal(["acme-step"], (await Client.GetDefinitionAsync(name, Acme)).Definition.Steps.Select(s => s.Id));
        Assert.Equal(["globex-step"], (await Client.GetDefinitionAsync(name, Globex)).Definition.Steps.Select(s => s.Id));
        Assert.Contains(name, await Client.ListDefinitionsAsync(Acme));
        Assert.Contains(name, await Client.ListDefinitionsAsync(Globex));
        Assert.DoesNotContain(name, await Client.ListDefinitionsAsync());
        Assert.DoesNotContain(await Client.ListDefinitionsAsync(), n => n.Any(char.IsControl));
        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => Client.GetDefinitionAsync(name));
        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => Client.StartAsync(name));

        var acmeRun = await Client.StartAsync(name, runId: NewId(), tenant: Acme);
        var globexRun = await Client.StartAsync(name, runId: NewId(), tenant: Globex);
        Assert.Equal(["acme-step"], (await Client.WaitAsync(acmeRun.Id, Wait, Acme)).Steps.Select(s => s.Id));
        Assert.Equal(["globex-step"], (await Client.WaitAsync(globexRun.Id, Wait, Globex)).Steps.Select(s => s.Id));
        Assert.Equal(["acme-step"], ScriptedStepKind.CallsOf(acmeRun.Id));
        Assert.Equal(["globex-step"], ScriptedStepKind.CallsOf(globexRun.Id));
    }

    [Fact]
    public async Task Run_CarriesItsTenant_AndIsNotFound_ByAnyOtherTenant()
    {
        var name = "hold-" + NewId();
        await Client.RegisterAsync(new WorkflowDefinition { Name = name, Steps = [new WorkflowStep { Id = "hold", Kind = "signal" }] }, Acme);
        var run = NewId();

        var started = await Client.StartAsync(name, runId: run, tenant: Acme);

        Assert.Equal(Acme, started.Tenant);
        foreach (var other in new[] { Aos.Security.AosTenants.Default, Globex })
        {
            var missing = await Assert.ThrowsAsync<WorkflowNotFoundException>(() => Client.GetAsync(run, other));
            Assert.Equal($"There is no workflow run '{run}'.", missing.Message);
            await Assert.ThrowsAsync<WorkflowNotFoundException>(() => Client.WaitAsync(run, Wait, other));
            await Assert.ThrowsAsync<WorkflowNotFoundException>(() => Client.SignalAsync(run, "hold", null, other));
            await Assert.ThrowsAsync<WorkflowNotFoundException>(() => Client.CancelAsync(run, other));
        }

        Assert.Equal(WorkflowStatus.Running, (await Client.GetAsync(run, Acme)).Status);
        await Client.SignalAsync(run, "hold", "1", Acme);
        Assert.Equal((WorkflowStatus.Completed, Acme), ((await Client.WaitAsync(run, Wait, Acme)).Status, (await Client.GetAsync(run, Acme)).Tenant));
    }

    [Fact]
    public async Task List_ReturnsOnlyTheTenantsRuns()
    {
        var name = "listed-" + NewId();
        await Client.RegisterAsync(Steps(name, "only"));
        await Client.RegisterAsync(Steps(name, "only"), Acme);
        var home = (await Client.StartAsync(name, runId: NewId())).Id;
        var acme = (await Client.StartAsync(name, runId: NewId(), tenant: Acme)).Id;

        Assert.Equal([acme], (await Client.ListAsync(name, null, 100, Acme)).Select(r => r.Id));
        Assert.Equal([home], (await Client.ListAsync(name, null, 100)).Select(r => r.Id));
        Assert.Empty(await Client.ListAsync(name, null, 100, Globex));
        Assert.All(await Client.ListAsync(null, null, MaxPage, Acme), r => Assert.Equal(Acme, r.Tenant));
        Assert.DoesNotContain(await Client.ListAsync(null, null, MaxPage), r => r.Id == acme);
    }

    [Fact]
    public async Task Start_WithARunIdThatAnotherTenantsRunHolds_IsRefused_WithoutDescribingThatRun()
    {
        var name = "taken-" + NewId();
        await Client.RegisterAsync(Steps(name, "only"), Acme);
        await Client.RegisterAsync(Steps(name, "only"), Globex);
        var run = NewId();
        await Client.StartAsync(name, runId: run, tenant: Acme);

        var refused = await Assert.ThrowsAsync<WorkflowRunRefusedException>(() => Client.StartAsync(name, runId: run, tenant: Globex));

        Assert.Equal($"The run id '{run}' is taken; choose another.", refused.Message);
        Assert.Equal(Acme, (await Client.StartAsync(name, runId: run, tenant: Acme)).Tenant);
    }

    [Fact]
    public async Task ChildWorkflow_RunsInTheParentsTenant_WithThatTenantsDefinition()
    {
        var child = "child-" + NewId();
        var parent = "parent-" + NewId();
        await Client.RegisterAsync(Steps(child, "home-work"));
        await Client.RegisterAsync(Steps(child, "acme-work"), Acme);
        await Client.RegisterAsync(new WorkflowDefinition { Name = parent, Steps = [new WorkflowStep { Id = "sub", Kind = "workflow", Input = $"{{\"workflow\": \"{child}\"}}" }] }, Acme);
        var run = NewId();

        await Client.StartAsync(parent, runId: run, tenant: Acme);
        var done = await Client.WaitAsync(run, Wait, Acme);

        Assert.Equal(WorkflowStatus.Completed, done.Status);
        var childRun = await Client.GetAsync(run + ".sub.1", Acme);
        Assert.Equal(Acme, childRun.Tenant);
        Assert.Equal(["acme-work"], childRun.Steps.Select(s => s.Id));
        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => Client.GetAsync(run + ".sub.1"));
    }

    [Fact]
    public async Task AgentRequestStep_ReachesAnAgentOfTheRunsTenant_AndTreatsAnotherTenantsAgentAsMissing()
    {
        var agent = "wf-tenant-counter-" + NewId();
        await fixture.Registry(0).RegisterAsync([new AgentRegistration { Id = agent, Type = TestAgents.CounterAgent.TypeName }], Acme, Ct);
        var name = "ask-" + NewId();
        var definition = new WorkflowDefinition
        {
            Name = name,
            Steps = [new WorkflowStep { Id = "ask", Kind = "agent-request", Input = $"{{\"agent\": \"{agent}\", \"type\": \"get\"}}", MaxAttempts = 3 }],
        };
        await Client.RegisterAsync(definition, Acme);
        await Client.RegisterAsync(definition, Globex);

        var own = await Client.StartAsync(name, runId: NewId(), tenant: Acme);
        var foreign = await Client.StartAsync(name, runId: NewId(), tenant: Globex);
        var reached = await Client.WaitAsync(own.Id, Wait, Acme);
        var missed = await Client.WaitAsync(foreign.Id, Wait, Globex);

        Assert.Equal(WorkflowStatus.Completed, reached.Status);
        var bus = fixture.Silo(0).GetRequiredService<MessageBus>();
        Assert.Equal(Acme, Assert.Single(await bus.GetAsync(own.Id + ".ask.1", Ct)).Envelope.Tenant);
        Assert.Equal((WorkflowStatus.Failed, 1), (missed.Status, missed.Steps[0].Attempts));
        Assert.Equal($"there is no agent '{agent}'; register it, or fix the step's 'agent'.", missed.Steps[0].Error);
        Assert.Empty(await bus.GetAsync(foreign.Id + ".ask.1", Ct));
    }

    [Fact]
    public async Task ApprovalStep_AsksForAnApprovalOfTheRunsTenant()
    {
        var name = "approve-" + NewId();
        await Client.RegisterAsync(new WorkflowDefinition
        {
            Name = name,
            Steps = [new WorkflowStep { Id = "review", Kind = "approval", Input = "{\"approvers\": [\"role:finance\"], \"timeout\": \"2d\"}" }],
        }, Acme);
        var run = NewId();

        await Client.StartAsync(name, runId: run, tenant: Acme);
        var approval = await fixture.Silo(0).GetRequiredService<ApprovalClient>().WaitForRequestAsync(run + ".review.1", Acme);

        Assert.Equal(Acme, approval.Tenant);
        var approvals = fixture.Silo(0).GetRequiredService<ApprovalClient>();
        await Assert.ThrowsAsync<ApprovalNotFoundException>(() => approvals.DecideAsync(approval.Id, true, "erin", ["finance"], null));
        await approvals.DecideAsync(approval.Id, true, "erin", ["finance"], null, Acme);
        var done = await Client.WaitAsync(run, TimeSpan.FromSeconds(20), Acme);
        Assert.Equal(WorkflowStatus.Completed, done.Status);
    }

    private const int MaxPage = WorkflowClient.MaxPageSize;

    private static WorkflowDefinition Steps(string name, string step) => new() { Name = name, Steps = [new WorkflowStep { Id = step, Kind = ScriptedStepKind.Name }] };

    private static string NewId() => Guid.NewGuid().ToString("N");
}

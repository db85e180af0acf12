using System.Diagnostics;
using System.Text.Json;
using Aos.Approvals;
using Aos.Kernel.Approvals;
using Aos.Kernel.Tests.StateMachines;
using Aos.Kernel.Tests.Support;
using Aos.Kernel.Workflows;
using Aos.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace Aos.Kernel.Tests.Workflows;

/// <summary>Workflow runs hosted by grains on a fake clock: dependencies, concurrency, failures, retries, sagas, timers, signals, approvals, children.</summary>
[Collection(FakeClockCluster.Name)]
public sealed class WorkflowRunGrainTests(StateMachineClusterFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WorkflowClient Client => fixture.Silo(0).GetRequiredService<WorkflowClient>();

    private SiloDatabase Database => new(fixture.DataDirectory);

    [Fact]
    public async Task Run_StartsStepsWhenTheirDependenciesComplete_IndependentOnesTogether()
    {
        var run = NewId();
        var bothStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        foreach (var step in new[] { "b", "c" })
        {
            ScriptedStepKind.Script(run, step, async context =>
            {
                if (Interlocked.Increment(ref started) == 2)
                {
                    bothStarted.TrySetResult();
                }

                // Neither finishes before the other started: they run concurrently.
                await bothStarted.Task.WaitAsync(Ct);
                return WorkflowStepOutcome.Completed(JsonSerializer.SerializeToElement(context.StepId));
            });
        }

        await Client.RegisterAsync(Diamond("diamond"));
        await Client.StartAsync("diamond", "{\"order\": 7}", run);
        var done = await Client.WaitAsync(run, Wait);

        Assert.Equal(WorkflowStatus.Completed, done.Status);
        Assert.Equal(1.0, done.Progress);
        var calls = ScriptedStepKind.CallsOf(run);
        Assert.Equal("a", calls[0]);
        Assert.Equal(["b", "c"], calls.Skip(1).Take(2).Order());
        Assert.Equal("d", calls[3]);
        Assert.Equal("{\"step\":\"d\",\"attempt\":1,\"deps\":[\"b\",\"c\"]}", done.Steps.Single(s => s.Id == "d").Result);
        Assert.NotNull(done.FinishedAt);
    }

    [Fact]
    public async Task FailedStep_SkipsItsDependents_AndFailsTheRun()
    {
        var run = NewId();
        ScriptedStepKind.Script(run, "b", _ => ValueTask.FromResult(WorkflowStepOutcome.Failed("card declined")));
        await Client.RegisterAsync(Diamond("diamond"));
        await Client.StartAsync("diamond", runId: run);
        var done = await Client.WaitAsync(run, Wait);

        Assert.Equal(WorkflowStatus.Failed, done.Status);
        Assert.Contains("step 'b' failed: card declined", done.Error);
        Assert.Equal(StepStatus.Failed, done.Steps.Single(s => s.Id == "b").Status);
        var d = done.Steps.Single(s => s.Id == "d");
        Assert.Equal((StepStatus.Skipped, "skipped: dependency b failed"), (d.Status, d.Error));
        Assert.DoesNotContain("d", ScriptedStepKind.CallsOf(run));
    }

    [Fact]
    public async Task FailedAttempt_IsRetriedAfterItsBackoff_OnTheClock()
    {
        var run = NewId();
        var attempts = 0;
        ScriptedStepKind.Script(run, "flaky", _ => ValueTask.FromResult(Interlocked.Increment(ref attempts) < 3
            ? WorkflowStepOutcome.Failed("not yet")
            : WorkflowStepOutcome.Completed()));
        await Client.RegisterAsync(new WorkflowDefinition
        {
            Name = "retrying",
            Steps = [new WorkflowStep { Id = "flaky", Kind = ScriptedStepKind.Name, MaxAttempts = 3, RetryDelay = TimeSpan.FromMinutes(7) }],
        });

        var first = StateMachineClusterFixture.Time.WaitForTimerAsync(t => t.DueTime == TimeSpan.FromMinutes(7), Ct);
        await Client.StartAsync("retrying", runId: run);
        await first;
        var second = StateMachineClusterFixture.Time.WaitForTimerAsync(t => t.DueTime == TimeSpan.FromMinutes(14), Ct);
        StateMachineClusterFixture.Time.Advance(TimeSpan.FromMinutes(7));
        await second;
        StateMachineClusterFixture.Time.Advance(TimeSpan.FromMinutes(14));
        var done = await Client.WaitAsync(run, Wait);

        Assert.Equal(WorkflowStatus.Completed, done.Status);
        Assert.Equal(3, done.Steps[0].Attempts);
    }

    [Fact]
    public async Task Saga_WhoseThirdStepFails_CompensatesStepsTwoAndOne_InThatOrder()
    {
        var run = NewId();
        ScriptedStepKind.Script(run, "ship", _ => ValueTask.FromResult(WorkflowStepOutcome.Failed("no courier", final: true)));
        var undo = new WorkflowCompensation(ScriptedStepKind.Name, null);
        await Client.RegisterAsync(new WorkflowDefinition
        {
            Name = "order-saga",
            Steps =
            [
                new WorkflowStep { Id = "reserve", Kind = ScriptedStepKind.Name, Compensation = undo },
                new WorkflowStep { Id = "charge", Kind = ScriptedStepKind.Name, DependsOn = ["reserve"], Compensation = undo },
                new WorkflowStep { Id = "ship", Kind = ScriptedStepKind.Name, DependsOn = ["charge"], Compensation = undo },
            ],
        });

        await Client.StartAsync("order-saga", runId: run);
        var done = await Client.WaitAsync(run, Wait);

        Assert.Equal(WorkflowStatus.Failed, done.Status);
        Assert.Equal(["reserve", "charge", "ship", "charge/undo", "reserve/undo"], ScriptedStepKind.CallsOf(run));
        Assert.Equal([StepStatus.Compensated, StepStatus.Compensated, StepStatus.Failed], done.Steps.Select(s => s.Status));
    }

    [Fact]
    public async Task TimerStep_FiresByItself_AndAStepTimeoutFailsAStepThatWaitsTooLong()
    {
        var run = NewId();
        ScriptedStepKind.Script(run, "slow", _ => ValueTask.FromResult(WorkflowStepOutcome.Waiting()));
        await Client.RegisterAsync(new WorkflowDefinition
        {
            Name = "timers",
            Steps =
            [
                new WorkflowStep { Id = "sleep", Kind = "timer", Input = "{\"delay\": \"3h\"}" },
                new WorkflowStep { Id = "slow", Kind = ScriptedStepKind.Name, DependsOn = ["sleep"], Timeout = TimeSpan.FromMinutes(45) },
            ],
        });

        var timer = StateMachineClusterFixture.Time.WaitForTimerAsync(t => t.DueTime == TimeSpan.FromHours(3), Ct);
        await Client.StartAsync("timers", runId: run);
        await timer;
        var timeout = StateMachineClusterFixture.Time.WaitForTimerAsync(t => t.DueTime == TimeSpan.FromMinutes(45), Ct);
        StateMachineClusterFixture.Time.Advance(TimeSpan.FromHours(3));
        await timeout;
        Assert.Equal(StepStatus.Completed, (await Client.GetAsync(run)).Steps[0].Status);

        StateMachineClusterFixture.Time.Advance(TimeSpan.FromMinutes(45));
        var done = await Client.WaitAsync(run, Wait);
        Assert.Equal(WorkflowStatus.Failed, done.Status);
        Assert.Equal("timed out after 45m", done.Steps[1].Error);
    }

    [Fact]
    public async Task TimerStep_MonthsLong_IsArmed_AndTheRunWaits()
    {
        // A timer of the node's clock cannot be armed more than 49.7 days ahead: a deadline beyond that is reached in hops.
        var run = NewId();
        await Client.RegisterAsync(new WorkflowDefinition
        {
            Name = "quarterly",
            Steps = [new WorkflowStep { Id = "wait", Kind = "timer", Input = "{\"delay\": \"90d\"}" }],
        });

        var armed = StateMachineClusterFixture.Time.WaitForTimerAsync(t => t.DueTime > TimeSpan.FromDays(49) && t.DueTime < TimeSpan.FromDays(50), Ct);
        await Client.StartAsync("quarterly", runId: run);
        await armed.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(StepStatus.Running, (await Client.GetAsync(run)).Steps[0].Status);
        Assert.Equal(WorkflowStatus.Running, (await Client.GetAsync(run)).Status);

        // The hops themselves are shown on a plain clock (GrainDeadlineTests): months on this cluster's clock would fire its periodic timers millions of times.
    }

    [Fact]
    public async Task Signal_SentBeforeTheStepWaits_IsKept_AndOneSentWhileItWaits_CompletesIt()
    {
        var run = NewId();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ScriptedStepKind.Script(run, "first", async _ =>
        {
            await gate.Task.WaitAsync(Ct);
            return WorkflowStepOutcome.Completed();
        });
        await Client.RegisterAsync(new WorkflowDefinition
        {
            Name = "signals",
            Steps =
            [
                new WorkflowStep { Id = "first", Kind = ScriptedStepKind.Name },
                new WorkflowStep { Id = "early", Kind = "signal", DependsOn = ["first"], Input = "{\"name\": \"go\"}" },
                new WorkflowStep { Id = "late", Kind = "signal", DependsOn = ["early"] },
            ],
        });

        await Client.StartAsync("signals", runId: run);
        await Client.SignalAsync(run, "go", "{\"by\": \"alice\"}");
        gate.SetResult();
        var waiting = await WaitForAsync(run, r => r.Steps[2].Status == StepStatus.Running);
        Assert.Equal("{\"by\":\"alice\"}", waiting.Steps[1].Result);

        await Client.SignalAsync(run, "late", "42");
        var done = await Client.WaitAsync(run, Wait);
        Assert.Equal(WorkflowStatus.Completed, done.Status);
        Assert.Equal("42", done.Steps[2].Result);
        await Assert.ThrowsAsync<WorkflowRunRefusedException>(() => Client.SignalAsync(run, "late", null));
    }

    [Fact]
    public async Task ApprovalStep_CompletesWhenApproved_AndADenialFailsTheRun()
    {
        await Client.RegisterAsync(new WorkflowDefinition
        {
            Name = "budget",
            Steps =
            [
                new WorkflowStep { Id = "review", Kind = "approval", Input = "{\"title\": \"Budget 2027\", \"approvers\": [\"role:finance\"], \"timeout\": \"2d\"}" },
                new WorkflowStep { Id = "book", Kind = ScriptedStepKind.Name, DependsOn = ["review"] },
            ],
        });
        var approvals = fixture.Silo(0).GetRequiredService<ApprovalClient>();

        var approved = NewId();
        await Client.StartAsync("budget", runId: approved);
        var approval = await WaitForApprovalAsync(approvals, approved + ".review.1");
        Assert.Equal("Budget 2027", approval.Title);
        await approvals.DecideAsync(approval.Id, true, "dave", ["finance"], "fine");
        var done = await Client.WaitAsync(approved, Wait);
        Assert.Equal(WorkflowStatus.Completed, done.Status);
        Assert.Contains("\"approvedBy\":[\"dave\"]", done.Steps[0].Result);

        var denied = NewId();
        await Client.StartAsync("budget", runId: denied);
        await WaitForApprovalAsync(approvals, denied + ".review.1");
        await approvals.DecideAsync(denied + ".review.1", false, "dave", ["finance"], "over budget");
        var failed = await Client.WaitAsync(denied, Wait);
        Assert.Equal(WorkflowStatus.Failed, failed.Status);
        Assert.Contains("denied by dave: over budget", failed.Steps[0].Error);
    }

    [Fact]
    public async Task ChildWorkflow_RunsToItsEnd_AndItsResultCompletesTheParentStep()
    {
        await Client.RegisterAsync(new WorkflowDefinition { Name = "child", Steps = [new WorkflowStep { Id = "work", Kind = ScriptedStepKind.Name }] });
        await Client.RegisterAsync(new WorkflowDefinition
        {
            Name = "parent",
            Steps = [new WorkflowStep { Id = "sub", Kind = "workflow", Input = "{\"workflow\": \"child\", \"input\": {\"n\": 1}}" }],
        });

        var run = NewId();
        await Client.StartAsync("parent", runId: run);
        var done = await Client.WaitAsync(run, Wait);

        Assert.Equal(WorkflowStatus.Completed, done.Status);
        Assert.Equal("{\"work\":{\"step\":\"work\",\"attempt\":1,\"deps\":[]}}", done.Steps[0].Result);
        var child = await Client.GetAsync(run + ".sub.1");
        Assert.Equal((WorkflowStatus.Completed, run + "/sub/1/0"), (child.Status, child.Parent));
    }

    [Fact]
    public async Task FinishedRuns_AreForgottenByThemselvesAfterTheRetention_AndTheirIdsCanBeUsedAgain()
    {
        await Client.RegisterAsync(new WorkflowDefinition { Name = "kept-child", Steps = [new WorkflowStep { Id = "work", Kind = ScriptedStepKind.Name }] });
        await Client.RegisterAsync(new WorkflowDefinition
        {
            Name = "kept-parent",
            Steps = [new WorkflowStep { Id = "sub", Kind = "workflow", Input = "{\"workflow\": \"kept-child\"}" }],
        });
        var run = NewId();
        var child = run + ".sub.1";
        await Client.StartAsync("kept-parent", runId: run);
        Assert.Equal(WorkflowStatus.Completed, (await Client.WaitAsync(run, Wait)).Status);

        StateMachineClusterFixture.Time.Advance(StateMachineClusterFixture.Retention - TimeSpan.FromMinutes(1));
        Assert.Equal(WorkflowStatus.Completed, (await Client.GetAsync(run)).Status);
        Assert.Equal(WorkflowStatus.Completed, (await Client.GetAsync(child)).Status);
        Assert.True(await Database.HasStateAsync(Grain(run)));

        // Nothing reads the runs from here on: their own timers forget them.
        StateMachineClusterFixture.Time.Advance(TimeSpan.FromMinutes(2));
        await Database.UntilGoneAsync(Grain(run), Grain(child));

        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => Client.GetAsync(run));
        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => Client.GetAsync(child));
        Assert.DoesNotContain(await Client.ListAsync("kept-parent", null, 100), r => r.Id == run);
        Assert.Equal(0, await Database.CountRemindersAsync(Grain(run)));

        await Client.StartAsync("kept-child", runId: run);
        Assert.Equal(WorkflowStatus.Completed, (await Client.WaitAsync(run, Wait)).Status);
    }

    [Fact]
    public async Task FinishedRun_WithoutItsReminder_IsForgottenWhenItIsNextRead()
    {
        await Client.RegisterAsync(new WorkflowDefinition { Name = "kept-child", Steps = [new WorkflowStep { Id = "work", Kind = ScriptedStepKind.Name }] });
        var run = NewId();
        await Client.StartAsync("kept-child", runId: run);
        Assert.Equal(WorkflowStatus.Completed, (await Client.WaitAsync(run, Wait)).Status);

        // As a run that finished before the retention was set: asleep, and nothing to wake it.
        await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero, Ct);
        await Database.DeleteRemindersAsync(Grain(run));
        StateMachineClusterFixture.Time.Advance(StateMachineClusterFixture.Retention + TimeSpan.FromMinutes(1));

        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => Client.GetAsync(run));
        Assert.False(await Database.HasStateAsync(Grain(run)));
    }

    [Fact]
    public async Task Cancel_OfAParentWhoseChildIsRunning_CancelsTheChildToo()
    {
        await Client.RegisterAsync(new WorkflowDefinition { Name = "waiting-child", Steps = [new WorkflowStep { Id = "hold", Kind = "signal" }] });
        await Client.RegisterAsync(new WorkflowDefinition
        {
            Name = "waiting-parent",
            Steps = [new WorkflowStep { Id = "sub", Kind = "workflow", Input = "{\"workflow\": \"waiting-child\"}" }],
        });

        var run = NewId();
        await Client.StartAsync("waiting-parent", runId: run);
        await WaitForChildAsync(run + ".sub.1");
        await Client.CancelAsync(run);

        Assert.Equal(WorkflowStatus.Cancelled, (await Client.GetAsync(run)).Status);
        Assert.Equal(WorkflowStatus.Cancelled, (await Client.WaitAsync(run + ".sub.1", Wait)).Status);
    }

    [Fact]
    public async Task AgentRequestStep_GoesThroughTheBus_AndCompletesWithTheAgentsReply()
    {
        var agent = "wf-counter-" + NewId();
        await fixture.Registry(0).RegisterAsync(new Aos.Kernel.Registry.AgentRegistration { Id = agent, Type = TestAgents.CounterAgent.TypeName }, Ct);
        await Client.RegisterAsync(new WorkflowDefinition
        {
            Name = "ask-agent",
            Steps = [new WorkflowStep { Id = "ask", Kind = "agent-request", Input = $"{{\"agent\": \"{agent}\", \"type\": \"get\"}}" }],
        });

        var run = NewId();
        await Client.StartAsync("ask-agent", runId: run);
        var done = await Client.WaitAsync(run, Wait);

        Assert.Equal(WorkflowStatus.Completed, done.Status);
        Assert.Contains("\"count\"", done.Steps[0].Result, StringComparison.OrdinalIgnoreCase);
        var records = await fixture.Silo(0).GetRequiredService<Aos.Kernel.Messaging.MessageBus>().GetAsync(run + ".ask.1", Ct);
        Assert.Equal(Aos.Messaging.MessageStatus.Delivered, Assert.Single(records).Status);

        var nobody = NewId();
        await Client.RegisterAsync(new WorkflowDefinition
        {
            Name = "ask-nobody",
            Steps = [new WorkflowStep { Id = "ask", Kind = "agent-request", Input = "{\"agent\": \"no-such-agent\", \"type\": \"get\"}", MaxAttempts = 3 }],
        });
        await Client.StartAsync("ask-nobody", runId: nobody);
        var failed = await Client.WaitAsync(nobody, Wait);
        Assert.Equal((WorkflowStatus.Failed, 1), (failed.Status, failed.Steps[0].Attempts));
        Assert.Contains("there is no agent 'no-such-agent'", failed.Steps[0].Error);

        var badInput = NewId();
        await Client.RegisterAsync(new WorkflowDefinition
        {
            Name = "ask-without-agent",
            Steps = [new WorkflowStep { Id = "ask", Kind = "agent-request", Input = "{\"type\": \"get\"}", MaxAttempts = 3 }],
        });
        await Client.StartAsync("ask-without-agent", runId: badInput);
        var refused = await Client.WaitAsync(badInput, Wait);
        Assert.Equal((WorkflowStatus.Failed, 1), (refused.Status, refused.Steps[0].Attempts));
        Assert.Equal("Step 'ask' of workflow 'ask-without-agent' needs 'agent' in its input, for instance {\"agent\": \"finance-1\", \"type\": \"budget.review\"}.", refused.Steps[0].Error);
    }

    [Fact]
    public async Task MafWorkflowStep_RunsAMicrosoftAgentFrameworkWorkflow_AsAStepOfTheRun()
    {
        await Client.RegisterAsync(new WorkflowDefinition
        {
            Name = "with-maf",
            Steps =
            [
                new WorkflowStep { Id = "greet", Kind = "maf-workflow", Input = "{\"workflow\": \"greet\", \"input\": \"hello\"}" },
                new WorkflowStep { Id = "after", Kind = ScriptedStepKind.Name, DependsOn = ["greet"] },
            ],
        });

        var run = NewId();
        await Client.StartAsync("with-maf", runId: run);
        var done = await Client.WaitAsync(run, Wait);

        Assert.Equal(WorkflowStatus.Completed, done.Status);
        Assert.Equal("\"HELLO!\"", done.Steps[0].Result);
    }

    [Fact]
    public async Task Cancel_WhileWaiting_SkipsWhatWasLeft_AndIsRefusedOnceFinished()
    {
        var run = NewId();
        await Client.RegisterAsync(new WorkflowDefinition { Name = "waits", Steps = [new WorkflowStep { Id = "hold", Kind = "signal" }, new WorkflowStep { Id = "after", Kind = ScriptedStepKind.Name, DependsOn = ["hold"] }] });
        await Client.StartAsync("waits", runId: run);

        var cancelled = await Client.CancelAsync(run);
        Assert.Equal(WorkflowStatus.Cancelled, cancelled.Status);
        Assert.All(cancelled.Steps, s => Assert.Equal((StepStatus.Skipped, "skipped: cancelled"), (s.Status, s.Error)));
        await Assert.ThrowsAsync<WorkflowRunRefusedException>(() => Client.CancelAsync(run));
        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => Client.CancelAsync(NewId()));
    }

    [Fact]
    public async Task ContinueAsNew_LoopsWithBoundedState_AndStoresALargeResultOnce()
    {
        var big = new string('x', 10_000);
        async Task<(WorkflowRun Run, int StateBytes, string RunId)> LoopAsync(int iterations)
        {
            var run = NewId();
            foreach (var step in new[] { "tick", "tock" })
            {
                ScriptedStepKind.Script(run, step, _ => ValueTask.FromResult(WorkflowStepOutcome.Completed(JsonSerializer.SerializeToElement(new { big }))));
            }

            await Client.RegisterAsync(new WorkflowDefinition
            {
                Name = "perpetual-" + iterations,
                ContinueAsNew = true,
                MaxIterations = iterations,
                Steps = [new WorkflowStep { Id = "tick", Kind = ScriptedStepKind.Name }, new WorkflowStep { Id = "tock", Kind = ScriptedStepKind.Name, DependsOn = ["tick"] }],
            });
            await Client.StartAsync("perpetual-" + iterations, runId: run);
            var done = await Client.WaitAsync(run, Wait);
            Assert.Equal(2 * iterations, ScriptedStepKind.CallsOf(run).Count);

            var state = new GrainState<WorkflowRunState>(new WorkflowRunState());
            await fixture.Silo(0).GetRequiredKeyedService<IGrainStorage>(AosStorageNames.GrainStorage).ReadStateAsync("workflow-run", GrainId.Create("aos-wf-run", run), state);
            return (done, fixture.Silo(0).GetRequiredService<Serializer>().SerializeToArray(state.State).Length, run);
        }

        var (short_, shortBytes, _) = await LoopAsync(10);
        var (long_, longBytes, longRun) = await LoopAsync(300);

        Assert.Equal((WorkflowStatus.Completed, 9), (short_.Status, short_.Iteration));
        Assert.Equal((WorkflowStatus.Completed, 299), (long_.Status, long_.Iteration));
        Assert.InRange(longBytes, shortBytes - 8, shortBytes + 8); // 30 times the iterations, the same state: only the counters grow.
        Assert.True(longBytes < 2_000, $"The run's state is {longBytes} bytes; the 10 KB results must be stored by hash, not inline.");
        var reference = WorkflowPayloads.RefOf(JsonSerializer.Serialize(new { big }));
        Assert.All(long_.Steps, s => Assert.Equal((null, reference), (s.Result, s.ResultRef)));

        // Stored once each, under the run, and never deleted and written again: the result, and the input it makes for the next iteration.
        Assert.Equal(2, await Database.CountStatesUnderAsync(Payloads(longRun)));
        Assert.Equal(1, await Database.MaxVersionUnderAsync(Payloads(longRun)));
        Assert.Equal(["tick", "tock"], long_.CompletionOrder);
    }

    [Fact]
    public async Task LargePayloads_AreStoredUnderTheirRun_DeletedOnceNoLongerReferenced_AndAllWhenTheRunIsForgotten()
    {
        var run = NewId();
        var calls = 0;
        foreach (var step in new[] { "tick", "tock" })
        {
            // Every result differs, so every iteration stores new payloads and drops the last iteration's.
            ScriptedStepKind.Script(run, step, _ => ValueTask.FromResult(WorkflowStepOutcome.Completed(
                JsonSerializer.SerializeToElement(new { call = Interlocked.Increment(ref calls), big = new string('x', 10_000) }))));
        }

        await Client.RegisterAsync(new WorkflowDefinition
        {
            Name = "perpetual-distinct",
            ContinueAsNew = true,
            MaxIterations = 5,
            Steps = [new WorkflowStep { Id = "tick", Kind = ScriptedStepKind.Name }, new WorkflowStep { Id = "tock", Kind = ScriptedStepKind.Name, DependsOn = ["tick"] }],
        });
        await Client.StartAsync("perpetual-distinct", JsonSerializer.Serialize(new { seed = new string('s', 10_000) }), run);
        var finished = await Client.WaitAsync(run, Wait);
        Assert.Equal((WorkflowStatus.Completed, 4), (finished.Status, finished.Iteration));
        var done = await Client.GetAsync(run);

        // Ten large results and a large input were stored; what is left is what the last iteration references: its input (the
        // iteration before's result) and its two results.
        Assert.Equal(10, calls);
        Assert.All(done.Steps, s => Assert.NotNull(s.ResultRef));
        Assert.Equal(3, await Database.CountStatesUnderAsync(Payloads(run)));
        Assert.Equal(0, await Database.CountStatesUnderAsync("aos-wf-payload/" + done.Steps[0].ResultRef![WorkflowPayloads.RefPrefix.Length..]));
        var storage = fixture.Silo(0).GetRequiredKeyedService<IGrainStorage>(AosStorageNames.GrainStorage);
        Assert.Contains("\"call\":10,", await new WorkflowPayloads(storage).GetAsync(done.Steps.Single(s => s.Id == "tock").ResultRef!, run));

        StateMachineClusterFixture.Time.Advance(StateMachineClusterFixture.Retention + TimeSpan.FromMinutes(1));
        await Database.UntilGoneAsync(Grain(run));
        await Database.UntilNoneUnderAsync(Payloads(run));
    }

    [Fact]
    public async Task RunPayloads_AreReadFromTheirRun_OrFromTheStoreSharedBeforeThem_AndDeletedPerRun()
    {
        var storage = fixture.Silo(0).GetRequiredKeyedService<IGrainStorage>(AosStorageNames.GrainStorage);
        var (runA, runB) = (NewId(), NewId());
        var owned = JsonSerializer.Serialize(new { owned = NewId() });
        var shared = JsonSerializer.Serialize(new { shared = NewId() });

        var reference = await new WorkflowPayloads(storage).PutAsync(owned, runA);
        Assert.Equal(owned, await new WorkflowPayloads(storage).GetAsync(reference, runA));
        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() => new WorkflowPayloads(storage).GetAsync(reference, runB));
        Assert.Contains(reference, missing.Message);

        // Payloads stored before they were stored under runs (definitions still are) are found by any run.
        var sharedReference = await new WorkflowPayloads(storage).PutAsync(shared);
        Assert.Equal(shared, await new WorkflowPayloads(storage).GetAsync(sharedReference, runB));

        await new WorkflowPayloads(storage).DeleteAsync(reference, runA);
        await new WorkflowPayloads(storage).DeleteAsync(sharedReference, runB); // Not the run's copy: left alone.
        await Assert.ThrowsAsync<InvalidOperationException>(() => new WorkflowPayloads(storage).GetAsync(reference, runA));
        Assert.Equal(shared, await new WorkflowPayloads(storage).GetAsync(sharedReference, runA));
        await Assert.ThrowsAsync<ArgumentException>(() => new WorkflowPayloads(storage).DeleteAsync("md5:00", runA));

        // A definition with the same content as a run's payload that one node holds in its cache is stored all the same.
        var node = new WorkflowPayloads(storage);
        var same = JsonSerializer.Serialize(new { same = NewId() });
        var sameReference = await node.PutAsync(same, runA);
        Assert.Equal(sameReference, await node.PutAsync(same));
        Assert.Equal(same, await new WorkflowPayloads(storage).GetAsync(sameReference));
    }

    [Fact]
    public async Task Start_OfAnUnknownWorkflow_IsRefused_AndAnInvalidDefinitionNamesItsCycle()
    {
        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => Client.StartAsync("no-such-workflow"));
        var error = await Assert.ThrowsAsync<AosValidationException>(() => Client.RegisterAsync(new WorkflowDefinition
        {
            Name = "loop",
            Steps = [new WorkflowStep { Id = "a", Kind = "timer", DependsOn = ["b"] }, new WorkflowStep { Id = "b", Kind = "timer", DependsOn = ["a"] }],
        }));
        Assert.Contains("a → b → a", error.Message);
        await Assert.ThrowsAsync<AosValidationException>(() => Client.StartAsync("diamond", runId: "bad id"));
    }

    private static WorkflowDefinition Diamond(string name) => new()
    {
        Name = name,
        Steps =
        [
            new WorkflowStep { Id = "a", Kind = ScriptedStepKind.Name },
            new WorkflowStep { Id = "b", Kind = ScriptedStepKind.Name, DependsOn = ["a"] },
            new WorkflowStep { Id = "c", Kind = ScriptedStepKind.Name, DependsOn = ["a"] },
            new WorkflowStep { Id = "d", Kind = ScriptedStepKind.Name, DependsOn = ["b", "c"] },
        ],
    };

    private async Task<WorkflowRun> WaitForAsync(string run, Func<WorkflowRun, bool> condition)
    {
        // Each look is a grain call that queues behind the run's own turns; 30 s of real time bound the looks, as a step started on the
        // thread pool can be held up on a loaded machine for more looks than any fixed count.
        for (var watch = Stopwatch.StartNew(); watch.Elapsed < TimeSpan.FromSeconds(30);)
        {
            var current = await Client.GetAsync(run);
            if (condition(current))
            {
                return current;
            }

            await Task.Yield();
        }

        throw new TimeoutException($"Run {run} did not reach the expected state.");
    }

    private async Task WaitForChildAsync(string id)
    {
        for (var watch = Stopwatch.StartNew(); watch.Elapsed < TimeSpan.FromSeconds(30);)
        {
            try
            {
                await Client.GetAsync(id);
                return;
            }
            catch (WorkflowNotFoundException)
            {
                await Task.Yield();
            }
        }

        throw new TimeoutException($"Child run {id} was not started.");
    }

    private static async Task<Approval> WaitForApprovalAsync(ApprovalClient approvals, string id)
    {
        for (var watch = Stopwatch.StartNew(); watch.Elapsed < TimeSpan.FromSeconds(30);)
        {
            try
            {
                return await approvals.GetAsync(id);
            }
            catch (ApprovalNotFoundException)
            {
                await Task.Yield();
            }
        }

        throw new TimeoutException($"Approval {id} was not requested.");
    }

    private static string NewId() => Guid.NewGuid().ToString("N");

    private static string Grain(string run) => "aos-wf-run/" + run;

    private static string Payloads(string run) => "aos-wf-payload/" + run + "/";
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Aos.Kernel.StateMachines;
using Aos.StateMachines;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Kernel.Tests.StateMachines;

/// <summary>The state machine engine: transitions, guards, hooks, refusals, timeouts, snapshots and rollback.</summary>
public sealed class StateMachineTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));
    private readonly List<string> _calls = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public async Task Fire_RunsExitThenActionThenEnter_MergesTheData_AndRecordsTheTransition()
    {
        var machine = Expense();
        var instance = await machine.StartAsync("e-1", new JsonObject { ["amount"] = 500 }, "alice", Now, Ct);
        _calls.Clear();
        _time.Advance(TimeSpan.FromMinutes(5));

        var after = await machine.FireAsync(instance, "approve", new JsonObject { ["approver"] = "bob" }, "bob", Now, Ct);

        Assert.Equal(["exit:submitted", "action:approve", "enter:approved"], _calls);
        Assert.Equal("approved", after.State);
        Assert.True(after.Completed);
        var context = JsonNode.Parse(after.Context)!;
        Assert.Equal(500, (int)context["amount"]!);
        Assert.Equal("bob", (string?)context["approver"]);
        Assert.Equal(new StateMachineTransition("submitted", "approved", "approve", Now, "bob", TransitionKinds.Transition), Assert.Single(after.History));
        Assert.Null(after.TimeoutAt);
        Assert.Equal(instance.Version + 1, after.Version);
    }

    [Fact]
    public async Task Fire_AnEventNotAllowedInTheState_IsRefusedAndChangesNothing()
    {
        var machine = Expense();
        var instance = await machine.StartAsync("e-2", null, "alice", Now, Ct);

        var refused = await Assert.ThrowsAsync<TransitionRefusedException>(() => machine.FireAsync(instance, "pay", null, "alice", Now, Ct).AsTask());

        Assert.Contains("'pay' is not allowed in state 'submitted'", refused.Message);
        Assert.Contains("approve", refused.Message);
        Assert.Equal("submitted", refused.State);
        Assert.Equal("submitted", instance.State);
        Assert.Empty(instance.History);
    }

    [Fact]
    public async Task Fire_TakesTheFirstTransitionWhoseGuardPasses_AndRefusesWhenAllAreFalse()
    {
        var machine = Expense();
        var small = await machine.StartAsync("e-3", new JsonObject { ["amount"] = 50 }, "alice", Now, Ct);
        var large = await machine.StartAsync("e-4", new JsonObject { ["amount"] = 5_000 }, "alice", Now, Ct);
        var huge = await machine.StartAsync("e-5", new JsonObject { ["amount"] = 50_000 }, "alice", Now, Ct);

        // Data merged from the event is what the guards see.
        var fromData = await machine.FireAsync(await machine.StartAsync("e-6", null, "alice", Now, Ct), "approve", new JsonObject { ["amount"] = 10 }, "bob", Now, Ct);

        Assert.Equal("approved", (await machine.FireAsync(small, "approve", null, "bob", Now, Ct)).State);
        Assert.Equal("needs_cfo", (await machine.FireAsync(large, "approve", null, "bob", Now, Ct)).State);
        Assert.Equal("approved", fromData.State);
        var refused = await Assert.ThrowsAsync<TransitionRefusedException>(() => machine.FireAsync(huge, "approve", null, "bob", Now, Ct).AsTask());
        Assert.Contains("every guard was false", refused.Message);
        Assert.Contains("amount le 1000", refused.Message);
    }

    [Fact]
    public async Task Fire_InATerminalState_IsRefused()
    {
        var machine = Expense();
        var done = await machine.FireAsync(await machine.StartAsync("e-7", null, "alice", Now, Ct), "reject", null, "bob", Now, Ct);

        var refused = await Assert.ThrowsAsync<TransitionRefusedException>(() => machine.FireAsync(done, "approve", null, "bob", Now, Ct).AsTask());

        Assert.Contains("terminal state 'rejected'", refused.Message);
    }

    [Fact]
    public async Task Fire_WhenAHookThrows_IsRefusedAndChangesNothing()
    {
        var hooks = new StateMachineHooks().AddHook("explode", static (_, _) => throw new InvalidOperationException("no ledger"));
        var machine = new StateMachineBuilder("fragile")
            .State("open")
            .State("closed", s => s.Terminal())
            .Transition("open", "close", "closed", t => t.Do("explode"))
            .Build(hooks);
        var instance = await machine.StartAsync("f-1", new JsonObject { ["n"] = 1 }, "alice", Now, Ct);

        var refused = await Assert.ThrowsAsync<TransitionRefusedException>(() => machine.FireAsync(instance, "close", new JsonObject { ["n"] = 2 }, "alice", Now, Ct).AsTask());

        Assert.Contains("hook 'explode' failed", refused.Message);
        Assert.Equal("open", instance.State);
        Assert.Equal(1, (int)JsonNode.Parse(instance.Context)!["n"]!);
    }

    [Fact]
    public async Task Timeout_FiresItsEventOnlyWhenDue_AsTheTimer_AndEscalates()
    {
        var machine = Expense();
        var instance = await machine.StartAsync("e-8", null, "alice", Now, Ct);
        Assert.Equal(Now + TimeSpan.FromDays(2), instance.TimeoutAt);

        _time.Advance(TimeSpan.FromDays(2) - TimeSpan.FromSeconds(1));
        Assert.Same(instance, await machine.FireDueTimeoutAsync(instance, Now, Ct));

        _time.Advance(TimeSpan.FromSeconds(1));
        var escalated = await machine.FireDueTimeoutAsync(instance, Now, Ct);

        Assert.Equal("escalated", escalated.State);
        var entry = Assert.Single(escalated.History);
        Assert.Equal(("submitted_timeout", StateMachine.TimerActor, TransitionKinds.Escalation), (entry.Event, entry.Actor, entry.Kind));
        Assert.Equal(1, (int)JsonNode.Parse(escalated.Context)!["escalationLevel"]!);
        Assert.Null(escalated.TimeoutAt);
    }

    [Fact]
    public async Task Rollback_RestoresTheSnapshotsStateAndContext_WithAFreshTimeout()
    {
        var machine = Expense();
        var instance = StateMachine.Snapshot(await machine.StartAsync("e-9", new JsonObject { ["amount"] = 5_000 }, "alice", Now, Ct), Now);
        var moved = await machine.FireAsync(instance, "approve", new JsonObject { ["note"] = "big" }, "bob", Now, Ct);
        _time.Advance(TimeSpan.FromHours(1));

        var back = machine.Rollback(moved, "s1", "admin", Now);

        Assert.Equal("submitted", back.State);
        Assert.Equal(instance.Context, back.Context);
        Assert.Equal(Now + TimeSpan.FromDays(2), back.TimeoutAt);
        Assert.Equal(new StateMachineTransition("needs_cfo", "submitted", "rollback:s1", Now, "admin", TransitionKinds.Rollback), back.History[^1]);
        var unknown = Assert.Throws<AosValidationException>(() => machine.Rollback(moved, "s9", "admin", Now));
        Assert.Contains("has no snapshot 's9'; it has: s1", unknown.Message);
    }

    [Fact]
    public async Task History_OfAPerpetualInstance_KeepsTheNewestTransitions_AndCountsThemAll()
    {
        var machine = new StateMachineBuilder("heartbeat")
            .State("alive", s => s.Timeout(TimeSpan.FromMinutes(1)))
            .Transition("alive", "alive_timeout", "alive", t => t.Escalation())
            .Build();
        var instance = await machine.StartAsync("h-1", null, "system", Now, Ct);

        for (var beat = 0; beat < StateMachine.HistoryLimit + 5; beat++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            instance = await machine.FireDueTimeoutAsync(instance, Now, Ct);
        }

        Assert.Equal(StateMachine.HistoryLimit, instance.History.Length);
        Assert.Equal(StateMachine.HistoryLimit + 5, instance.Transitions);
        Assert.Equal(Now, instance.History[^1].At);
        Assert.Equal(Now - TimeSpan.FromMinutes(StateMachine.HistoryLimit - 1), instance.History[0].At);
    }

    [Theory]
    [InlineData("initial", "initialState", "the initial state 'nowhere' is not declared")]
    [InlineData("duplicate", "states[1]", "the state 'a' is declared twice")]
    [InlineData("undeclared-target", "transitions[0].to", "transition a --go--> z enters the undeclared state 'z'")]
    [InlineData("timeout-without-transition", "transitions", "state 'a' has a timeout but no transition on 'a_timeout'")]
    [InlineData("leaves-terminal", "transitions[0]", "transition b --go--> a leaves the terminal state 'b'")]
    [InlineData("unknown-action", "transitions[0].action", "names the action 'ring', which is not registered")]
    [InlineData("bad-guard", "transitions[0].guard", "'about' is not an operator")]
    public void Create_AnInvalidDefinition_IsRefusedNamingWhatIsWrong(string defect, string field, string message)
    {
        StateDefinition a = new() { Name = "a" }, b = new() { Name = "b", Terminal = true };
        TransitionDefinition go = new() { From = "a", Event = "go", To = "b" };
        var definition = new StateMachineDefinition { Name = "m", InitialState = "a", States = [a, b], Transitions = [go] };
        definition = defect switch
        {
            "initial" => definition with { InitialState = "nowhere" },
            "duplicate" => definition with { States = [a, a with { Terminal = true }] },
            "undeclared-target" => definition with { Transitions = [go with { To = "z" }] },
            "timeout-without-transition" => definition with { States = [a with { Timeout = TimeSpan.FromHours(1) }, b] },
            "leaves-terminal" => definition with { Transitions = [new TransitionDefinition { From = "b", Event = "go", To = "a" }] },
            "unknown-action" => definition with { Transitions = [go with { Action = "ring" }] },
            _ => definition with { Transitions = [go with { Guard = new GuardCondition { Field = "x", Op = "about", Value = JsonSerializer.SerializeToElement(1) } }] },
        };

        var error = Assert.Throws<AosValidationException>(() => StateMachine.Create(definition));

        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
    }

    private StateMachine Expense()
    {
        var hooks = new StateMachineHooks()
            .AddHook("record-exit", (c, _) => Record("exit:" + c.Transition.From))
            .AddHook("record-enter", (c, _) => Record("enter:" + c.Transition.To))
            .AddHook("record-action", (c, _) => Record("action:" + c.Transition.Event));
        var limit = JsonSerializer.SerializeToElement(1_000);
        return new StateMachineBuilder("expense")
            .State("submitted", s => s.Timeout(TimeSpan.FromDays(2)).OnExit("record-exit"))
            .State("needs_cfo")
            .State("escalated")
            .State("approved", s => s.Terminal().OnEnter("record-enter"))
            .State("rejected", s => s.Terminal())
            .Transition("submitted", "approve", "approved", t => t.When(new GuardCondition { Field = "amount", Op = "le", Value = limit }).Do("record-action"))
            .Transition("submitted", "approve", "needs_cfo", t => t.When(c => (decimal?)c.Context["amount"] <= 10_000))
            .Transition("submitted", "reject", "rejected")
            .Transition("submitted", "submitted_timeout", "escalated", t => t.Escalation().Do(StateMachineHooks.Escalate))
            .Build(hooks);
    }

    private ValueTask Record(string call)
    {
        _calls.Add(call);
        return ValueTask.CompletedTask;
    }
}

using System.Text.Json.Nodes;
using Aos.Kernel.StateMachines;
using Aos.StateMachines;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Kernel.Tests.StateMachines;

/// <summary>State machine definitions in JSON, and the two templates run end to end on a fake clock.</summary>
public sealed class StateMachineJsonTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public void Read_ThenWrite_RoundTrips_WithEveryDurationForm()
    {
        var definition = StateMachineJson.Read("""
            {
              // comments and trailing commas are accepted
              "name": "durations",
              "initialState": "a",
              "states": [
                { "name": "a", "timeout": "90s" }, { "name": "b", "timeout": "1.5h" }, { "name": "c", "timeout": "PT2H30M" },
                { "name": "d", "timeout": "1.02:00:00" }, { "name": "e", "timeout": "250ms" }, { "name": "f", "terminal": true },
              ],
              "transitions": [
                { "from": "a", "event": "a_timeout", "to": "b", "guard": { "any": [ { "field": "x.y", "op": "exists" }, { "field": "n", "op": "gt", "value": 2 } ] } },
                { "from": "b", "event": "b_timeout", "to": "c" }, { "from": "c", "event": "c_timeout", "to": "d" },
                { "from": "d", "event": "d_timeout", "to": "e" }, { "from": "e", "event": "e_timeout", "to": "f", "escalation": true }
              ]
            }
            """);

        Assert.Equal(
            [TimeSpan.FromSeconds(90), TimeSpan.FromMinutes(90), TimeSpan.FromMinutes(150), TimeSpan.FromHours(26), TimeSpan.FromMilliseconds(250), null],
            definition.States.Select(s => s.Timeout));
        var again = StateMachineJson.Read(StateMachineJson.Write(definition));
        Assert.Equal(definition.States, again.States);
        Assert.Equal(definition.Transitions.Select(t => (t.ToString(), t.Escalation, t.Guard?.ToString())), again.Transitions.Select(t => (t.ToString(), t.Escalation, t.Guard?.ToString())));
        StateMachine.Create(again);
    }

    [Theory]
    [InlineData("{ \"name\": \"m\", \"initialState\": \"a\", \"states\": [ { \"name\": \"a\", \"timout\": \"1h\" } ], \"transitions\": [] }", "$.states[0].timout")]
    [InlineData("{ \"name\": \"m\",\n  \"states\": [ { \"name\": \"a\" } ,, ] }", "line 2")]
    [InlineData("{ \"name\": \"m\", \"initialState\": \"a\", \"states\": [ { \"name\": \"a\", \"timeout\": \"soon\" } ], \"transitions\": [] }", "the timeout 'soon' of state 'a' is not a duration")]
    public void Read_BadJson_IsRefusedSayingWhere(string json, string expected)
    {
        var error = Assert.Throws<AosValidationException>(() => StateMachineJson.Read(json));

        Assert.Contains(expected, error.Message + " " + error.Field);
    }

    [Fact]
    public void ReadYaml_ReadsTheSameDefinitionAsTheJson()
    {
        var definition = StateMachineJson.ReadYaml("""
            name: expense
            initialState: submitted
            states:
              - name: submitted
                timeout: 2d
              - { name: approved, terminal: true }
              - { name: escalated, terminal: true }
            transitions:
              - from: submitted
                event: approve
                to: approved
                guard: { field: amount, op: le, value: 1000 }
              - { from: submitted, event: submitted_timeout, to: escalated, escalation: true }
            """);

        var json = StateMachineJson.Read("""
            {
              "name": "expense", "initialState": "submitted",
              "states": [ { "name": "submitted", "timeout": "2d" }, { "name": "approved", "terminal": true }, { "name": "escalated", "terminal": true } ],
              "transitions": [
                { "from": "submitted", "event": "approve", "to": "approved", "guard": { "field": "amount", "op": "le", "value": 1000 } },
                { "from": "submitted", "event": "submitted_timeout", "to": "escalated", "escalation": true }
              ]
            }
            """);
        Assert.Equal(StateMachineJson.Write(json), StateMachineJson.Write(definition));
        Assert.Equal(TimeSpan.FromDays(2), definition.States[0].Timeout);
        StateMachine.Create(definition);
    }

    [Theory]
    [InlineData("name: m\nstates:\n  - name: a\n    timout: 1h\n", "path '$.states[0].timout'")]
    [InlineData("name: m\nstates: [a\n", "not valid YAML at line 3, column 1")]
    public void ReadYaml_BadYaml_IsRefusedSayingWhere(string yaml, string expected)
    {
        var error = Assert.Throws<AosValidationException>(() => StateMachineJson.ReadYaml(yaml));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task DecisionTemplate_EscalatesUnansweredSteps_AndRejectsAnEscalationLeftTooLong()
    {
        var machine = StateMachine.Create(StateMachineTemplates.Decision);
        var request = await machine.StartAsync("budget-1", new JsonObject { ["amount"] = 12_000 }, "alice", Now, Ct);

        _time.Advance(TimeSpan.FromHours(24));
        var escalated = await machine.FireDueTimeoutAsync(request, Now, Ct);
        var reviewed = await machine.FireAsync(escalated, "review", null, "carol", Now, Ct);
        _time.Advance(TimeSpan.FromDays(3));
        var again = await machine.FireDueTimeoutAsync(reviewed, Now, Ct);
        _time.Advance(TimeSpan.FromDays(2));
        var expired = await machine.FireDueTimeoutAsync(again, Now, Ct);

        Assert.Equal(
            [("pending", "escalated", TransitionKinds.Escalation), ("escalated", "under_review", TransitionKinds.Transition), ("under_review", "escalated", TransitionKinds.Escalation), ("escalated", "rejected", TransitionKinds.Escalation)],
            expired.History.Select(h => (h.From, h.To, h.Kind)));
        Assert.Equal(2, (int)JsonNode.Parse(expired.Context)!["escalationLevel"]!);
        Assert.True(expired.Completed);

        var approved = await machine.FireAsync(await machine.FireAsync(await machine.StartAsync("budget-2", null, "alice", Now, Ct), "review", null, "carol", Now, Ct), "approve", null, "carol", Now, Ct);
        Assert.Equal("approved", approved.State);
    }

    [Fact]
    public async Task IncidentTemplate_RunsFromReportToClosure_WithAReopen_AndClosesAResolvedIncidentByItself()
    {
        var machine = StateMachine.Create(StateMachineTemplates.Incident);
        var incident = await machine.StartAsync("inc-1", new JsonObject { ["severity"] = "sev2" }, "pager", Now, Ct);

        _time.Advance(TimeSpan.FromHours(1));
        incident = await machine.FireDueTimeoutAsync(incident, Now, Ct);
        Assert.Equal(("reported", Now + TimeSpan.FromHours(1)), (incident.State, incident.TimeoutAt));
        foreach (var step in new[] { "acknowledge", "investigate", "resolve", "reopen", "resolve" })
        {
            incident = await machine.FireAsync(incident, step, null, "oncall", Now, Ct);
        }

        _time.Advance(TimeSpan.FromHours(24));
        incident = await machine.FireDueTimeoutAsync(incident, Now, Ct);

        Assert.Equal(
            ["reported", "acknowledged", "investigating", "resolved", "investigating", "resolved", "closed"],
            incident.History.Select(h => h.To));
        Assert.Equal(StateMachine.TimerActor, incident.History[^1].Actor);
        Assert.True(incident.Completed);
        Assert.Equal(1, (int)JsonNode.Parse(incident.Context)!["escalationLevel"]!);
    }
}
